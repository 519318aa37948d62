// SPDX-License-Identifier: MIT

#include "testservice.h"

#include "server/standaloneserver.h"
#include "service.h"

namespace llmring::test {

TestService::TestService() = default;

TestService::~TestService()
{
    stop();
}

bool TestService::start(const Settings &settings, QString *error)
{
    ServiceOptions options;
    options.settings = settings;
    m_service = Service::create(options, error);
    if (!m_service)
        return false;
    m_server = std::make_unique<StandaloneServer>(*m_service);
    return m_server->start(error);
}

void TestService::stop()
{
    m_server.reset();
    m_service.reset();
}

quint16 TestService::port() const
{
    return m_server ? m_server->port() : 0;
}

QUrl TestService::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

} // namespace llmring::test
