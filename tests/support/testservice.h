// SPDX-License-Identifier: MIT
// The real service, started in the test process on a free loopback port.

#pragma once

#include "app/settings.h"

#include <QString>
#include <QUrl>

#include <memory>

namespace llmring {
class Service;
class StandaloneServer;
}

namespace llmring::test {

// Migrates the settings' schema, then serves with worker loops exactly as
// `llmring-server serve` does; the test talks to it over real sockets.
class TestService
{
public:
    TestService();
    ~TestService();

    // False with *error when migrations or the listening socket fail.
    bool start(const Settings &settings, QString *error);
    void stop();

    quint16 port() const;
    QUrl baseUrl() const;
    Service &service() { return *m_service; }

private:
    std::unique_ptr<Service> m_service;
    std::unique_ptr<StandaloneServer> m_server;
};

} // namespace llmring::test
