// SPDX-License-Identifier: MIT

#include "databaseconnection.h"

#include "databaseerror.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>

#include <libpq-fe.h>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

Q_LOGGING_CATEGORY(lcDatabase, "llmring.db")

namespace llmring {

namespace {

const QLatin1StringView SchemaPlaceholder("{{schema}}");

// The libpq connection behind a QPSQL connection, or nullptr. Qt 6.4's QPSQL returns it
// from QSqlDriver::handle() as a QVariant whose type name is "pg_conn*" (the struct
// behind the PGconn typedef); "PGconn*" is accepted too.
PGconn *libpqConnection(const QSqlDatabase &database)
{
    if (!database.isValid() || database.driver() == nullptr)
        return nullptr;
    const QVariant handle = database.driver()->handle();
    if (!handle.isValid()
        || (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)) {
        return nullptr;
    }
    return *static_cast<PGconn *const *>(handle.constData());
}

bool isConnectionSqlState(const QString &sqlState)
{
    // Class 08: connection exception; 57P01-57P03: the server is shutting down or
    // starting; 53300: too many connections. All of them clear up by reconnecting later.
    return sqlState.startsWith(QLatin1String("08")) || sqlState.startsWith(QLatin1String("57P"))
        || sqlState == QLatin1String("53300");
}

} // namespace

DatabaseConnection::DatabaseConnection(const DatabaseConfig &config, const QString &schema,
                                       const QString &connectionName)
    : m_config(config)
    , m_schema(schema)
{
    // QSqlDatabase names are process-wide, and adding a name twice silently replaces
    // the first connection, so two services (or two tests) in one process would break
    // each other's connections without the serial number.
    static std::atomic<quint64> serial{0};
    m_connectionName = QStringLiteral("%1#%2").arg(connectionName).arg(++serial);
}

DatabaseConnection::~DatabaseConnection()
{
    close();
    if (m_database.isValid()) {
        m_database = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString DatabaseConnection::expandSchema(const QString &sqlTemplate) const
{
    QString sql = sqlTemplate;
    return sql.replace(SchemaPlaceholder, m_schema);
}

void DatabaseConnection::ensureOpen()
{
    if (m_database.isValid() && m_database.isOpen())
        return;

    if (!m_database.isValid()) {
        m_database = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        m_database.setHostName(m_config.host);
        m_database.setPort(m_config.port);
        m_database.setUserName(m_config.user);
        m_database.setPassword(m_config.password);
        m_database.setDatabaseName(m_config.databaseName);
        m_database.setConnectOptions(m_config.connectOptions);
    }
    if (!m_database.open()) {
        const QSqlError error = m_database.lastError();
        qCWarning(lcDatabase).noquote() << "Cannot connect to" << m_config.redacted() << "as" << m_connectionName
                                        << ":" << error.databaseText().trimmed();
        m_database.close();
        throw DatabaseError(DatabaseError::Kind::Unavailable, QStringLiteral("connect"),
                            error.nativeErrorCode(), error.databaseText().trimmed());
    }
    // libpq prints NOTICE messages (such as "schema already exists, skipping") to
    // stderr; they are noise in the service's log.
    QSqlQuery quiet(m_database);
    quiet.exec(QStringLiteral("SET client_min_messages TO warning"));
    PGconn *connection = libpqConnection(m_database);
    setInterruptSocket(connection ? ::dup(PQsocket(connection)) : -1);
    qCDebug(lcDatabase).noquote() << "Connected" << m_connectionName << "to" << m_config.redacted();
}

QSqlQuery &DatabaseConnection::prepared(const QString &key, const QString &sqlTemplate)
{
    ensureOpen();
    if (const auto cached = m_statements.constFind(key); cached != m_statements.constEnd())
        return **cached;

    auto query = std::make_shared<QSqlQuery>(m_database);
    query->setForwardOnly(true);
    if (!query->prepare(expandSchema(sqlTemplate)))
        fail(query->lastError(), QStringLiteral("prepare %1").arg(key));
    m_statements.insert(key, query);
    return *query;
}

QSqlQuery DatabaseConnection::prepareOnce(const QString &sqlTemplate)
{
    ensureOpen();
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    if (!query.prepare(expandSchema(sqlTemplate)))
        fail(query.lastError(), QStringLiteral("prepare"));
    return query;
}

void DatabaseConnection::exec(QSqlQuery &query, const QString &operation)
{
    if (!query.exec())
        fail(query.lastError(), operation);
    ++m_statementsThisRequest;
}

void DatabaseConnection::execText(const QString &sqlTemplate, const QString &operation)
{
    ensureOpen();
    QSqlQuery query(m_database);
    if (!query.exec(expandSchema(sqlTemplate)))
        fail(query.lastError(), operation);
    ++m_statementsThisRequest;
}

void DatabaseConnection::close()
{
    m_statements.clear();
    if (m_database.isValid() && m_database.isOpen())
        m_database.close();
    setInterruptSocket(-1);
}

void DatabaseConnection::setInterruptSocket(int socket)
{
    QMutexLocker locker(&m_interruptMutex);
    if (m_interruptSocket >= 0)
        ::close(m_interruptSocket);
    m_interruptSocket = socket;
}

void DatabaseConnection::interrupt()
{
    QMutexLocker locker(&m_interruptMutex);
    if (m_interruptSocket >= 0)
        ::shutdown(m_interruptSocket, SHUT_RDWR);
}

bool DatabaseConnection::connectionIsBroken() const
{
    if (!m_database.isValid() || !m_database.isOpen())
        return true;
    // QPSQL reports a dropped connection as an ordinary statement error, often without
    // a SQLSTATE, so the libpq connection status is the reliable signal.
    PGconn *connection = libpqConnection(m_database);
    return connection != nullptr && PQstatus(connection) != CONNECTION_OK;
}

void DatabaseConnection::fail(const QSqlError &error, const QString &operation)
{
    const QString sqlState = error.nativeErrorCode();
    const QString message = error.databaseText().trimmed().isEmpty() ? error.text().trimmed()
                                                                    : error.databaseText().trimmed();
    if (isConnectionSqlState(sqlState) || connectionIsBroken()) {
        const bool sessionEndedByServer = sqlState.startsWith(QLatin1String("57P0"));
        const bool safeToRetry = sessionEndedByServer && m_statementsThisRequest == 0;
        if (safeToRetry) {
            qCWarning(lcDatabase).noquote() << operation << "found its connection ended by the server (SQLSTATE"
                                            << sqlState << "); reconnecting";
        } else {
            qCCritical(lcDatabase).noquote() << operation << "failed, database unavailable:" << message
                                             << "SQLSTATE" << sqlState;
        }
        close();
        DatabaseError error(DatabaseError::Kind::Unavailable, operation, sqlState, message);
        error.setSafeToRetry(safeToRetry);
        throw error;
    }
    if (sqlState == QLatin1String("23505"))
        throw DatabaseError(DatabaseError::Kind::UniqueViolation, operation, sqlState, message);

    qCCritical(lcDatabase).noquote() << operation << "failed: SQLSTATE" << sqlState << "database:" << message
                                     << "driver:" << error.driverText();
    throw DatabaseError(DatabaseError::Kind::QueryFailed, operation, sqlState, message);
}

} // namespace llmring
