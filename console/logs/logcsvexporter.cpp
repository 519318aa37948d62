// SPDX-License-Identifier: MIT

#include "logcsvexporter.h"

#include <QTimer>

#include <algorithm>

namespace llmring::console {

namespace {

// Splits RFC 4180 text into records, each with its line break. A line break inside a
// quoted field belongs to the field. A doubled quote leaves and re-enters quoting, so
// the state stays right without looking ahead.
QList<QByteArray> csvRecords(const QByteArray &csv)
{
    QList<QByteArray> records;
    bool quoted = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv.at(i);
        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\n' && !quoted) {
            records.append(csv.mid(start, i + 1 - start));
            start = i + 1;
        }
    }
    if (start < csv.size())
        records.append(csv.mid(start));
    return records;
}

} // namespace

LogCsvExporter::LogCsvExporter(api::ApiClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

LogCsvExporter::~LogCsvExporter()
{
    stop();
}

void LogCsvExporter::setPageSize(int rows)
{
    m_pageSize = std::clamp(rows, 1, DefaultPageSize);
}

void LogCsvExporter::start(const QString &path, const api::LogQuery &query)
{
    if (m_running)
        return;

    m_running = true;
    m_canceled = false;
    m_query = query;
    m_cursor.reset(query.oldestFirst);
    m_header.clear();
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString message = tr("Cannot create %1: %2").arg(path, m_file->errorString());
        // Reported from the event loop, as every other outcome is. The generation check
        // keeps a cancel() and a new start() in between from receiving this outcome.
        const quint64 generation = ++m_generation;
        QTimer::singleShot(0, this, [this, generation, message] {
            if (m_running && generation == m_generation)
                finish(false, message);
        });
        return;
    }
    ++m_generation;
    requestPage();
}

void LogCsvExporter::cancel()
{
    if (!m_running)
        return;
    m_canceled = true;
    finish(false, tr("Export canceled."));
}

// The export requests format=csv pages instead of building CSV from JSON pages, so the
// file contains exactly the bytes of the API's own CSV: costs as the exact decimals of the
// database (JSON carries them as doubles, which a second encoding would round) and
// metadata serialized by the server. Each page repeats the header, and only the first
// page's header is written.
void LogCsvExporter::requestPage()
{
    api::LogQuery page = m_query;
    page.limit = m_pageSize;
    page.offset = static_cast<int>(m_cursor.nextOffset());
    m_reply = m_client.logsCsv(page);
    connect(m_reply, &api::ApiReply::finished, this, &LogCsvExporter::onPageFinished);
}

void LogCsvExporter::onPageFinished()
{
    api::ApiReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply->isSuccess()) {
        finish(false, reply->errorMessage());
        return;
    }

    bool hasTotal = false;
    const qint64 reportedTotal = reply->header("X-Total-Count").toLongLong(&hasTotal);
    if (!hasTotal || reportedTotal < 0) {
        finish(false, tr("The server's CSV export has no valid X-Total-Count header; it may not be an llmring server."));
        return;
    }
    if (!writePage(reply->body(), reportedTotal))
        return;

    Q_EMIT progress(m_cursor.delivered(), m_cursor.total());
    // A receiver of progress() may have canceled the export.
    if (!m_running)
        return;
    if (!m_cursor.atEnd()) {
        requestPage();
        return;
    }

    const QString path = m_file->fileName();
    if (!m_file->commit()) {
        finish(false, tr("Cannot write %1: %2").arg(path, m_file->errorString()));
        return;
    }
    m_file.reset();
    const qint64 rows = m_cursor.delivered();
    finish(true, rows == 1 ? tr("Exported 1 row to %1.").arg(path) : tr("Exported %1 rows to %2.").arg(rows).arg(path));
}

// Appends the page's new rows to the file; on failure, finishes the export and returns false.
bool LogCsvExporter::writePage(const QByteArray &csv, qint64 reportedTotal)
{
    const QList<QByteArray> records = csvRecords(csv);
    if (records.isEmpty()) {
        finish(false, tr("The server's CSV export has no header line; it may not be an llmring server."));
        return false;
    }

    QByteArray bytes;
    if (m_header.isEmpty()) {
        m_header = records.first();
        bytes = m_header;
    } else if (records.first() != m_header) {
        finish(false, tr("The server changed the CSV columns during the export; export again."));
        return false;
    }

    const LogPageCursor::Slice slice =
        m_cursor.accept(reportedTotal, static_cast<int>(records.size() - 1), m_pageSize);
    for (int i = 0; i < slice.count; ++i)
        bytes += records.at(1 + slice.first + i);

    if (m_file->write(bytes) != bytes.size()) {
        finish(false, tr("Cannot write %1: %2").arg(m_file->fileName(), m_file->errorString()));
        return false;
    }
    return true;
}

void LogCsvExporter::finish(bool ok, const QString &message)
{
    stop();
    Q_EMIT finished(ok, message);
}

// Ends the export: aborts a request in flight and discards an uncommitted file.
void LogCsvExporter::stop()
{
    api::discardReply(m_reply, this);
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();
    }
    m_running = false;
}

} // namespace llmring::console
