// SPDX-License-Identifier: MIT
// Writes every usage log row matching a query to a CSV file, page by page.

#pragma once

#include "api/apiclient.h"
#include "logpagecursor.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QSaveFile>
#include <QString>

#include <memory>

namespace llmring::console {

// Exports the rows of GET /api/v1/logs that match a query to a file, without blocking:
// each page request starts when the previous page is written. The file is the API's own
// CSV (RFC 4180, a header line, the columns of the JSON rows) with the header written once.
// The file appears at its path only when the export succeeded; a failed or canceled
// export leaves whatever was there before.
class LogCsvExporter final : public QObject
{
    Q_OBJECT

public:
    // Rows per page request, the API's maximum.
    static constexpr int DefaultPageSize = 500;

    explicit LogCsvExporter(api::ApiClient &client, QObject *parent = nullptr);
    // Cancels an export in flight without emitting finished().
    ~LogCsvExporter() override;

    // Rows per page request, 1 to 500; takes effect at the next start().
    void setPageSize(int rows);
    int pageSize() const { return m_pageSize; }

    // Starts exporting the rows that match `query` (its limit and offset are ignored) to
    // `path`. Every outcome, a file that cannot be created included, is reported by
    // finished() after start() returned. Ignored while an export runs.
    void start(const QString &path, const api::LogQuery &query);
    // Aborts the request in flight, discards the file and emits finished(false, ...).
    void cancel();

    bool isRunning() const { return m_running; }
    // True when the last export ended through cancel().
    bool wasCanceled() const { return m_canceled; }
    qint64 rowsWritten() const { return m_cursor.delivered(); }
    // The rows that matched when the first page arrived; -1 before.
    qint64 totalRows() const { return m_cursor.total(); }

Q_SIGNALS:
    // Emitted after each page is written.
    void progress(qint64 rowsWritten, qint64 totalRows);
    // Emitted once per start(). `message` describes the written file or the failure.
    void finished(bool ok, const QString &message);

private:
    void requestPage();
    void onPageFinished();
    bool writePage(const QByteArray &csv, qint64 reportedTotal);
    void finish(bool ok, const QString &message);
    void stop();

    api::ApiClient &m_client;
    int m_pageSize = DefaultPageSize;
    api::LogQuery m_query;
    LogPageCursor m_cursor;
    std::unique_ptr<QSaveFile> m_file;
    QByteArray m_header;
    QPointer<api::ApiReply> m_reply;
    bool m_running = false;
    bool m_canceled = false;
    // Counts start() calls, so an outcome queued by one start() never ends a later one.
    quint64 m_generation = 0;
};

} // namespace llmring::console
