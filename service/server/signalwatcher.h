// SPDX-License-Identifier: MIT
// SIGTERM and SIGINT delivered as a Qt signal.

#pragma once

#include <QObject>

class QSocketNotifier;

namespace llmring {

// Turns SIGTERM and SIGINT into the stopRequested() signal on the thread that created
// the watcher. The handler only writes a byte to a pipe (all a signal handler may
// safely do); a QSocketNotifier reads it in the event loop. One instance per process.
class SignalWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace llmring
