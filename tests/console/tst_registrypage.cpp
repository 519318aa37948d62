// SPDX-License-Identifier: MIT
// The Registry page against the real service serving the fixture registry: rows and
// cells compared with the fixture files, search, provider filter, numeric sorting, the
// saved filters, and the server's detail when the registry is unavailable.

#include "api/apiclient.h"
#include "registry/registryfiltermodel.h"
#include "registry/registrymodel.h"
#include "registry/registrypage.h"
#include "registryfixtures.h"
#include "testdatabase.h"
#include "testservice.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace llmring;
using namespace llmring::console;
using namespace llmring::test;

namespace {

constexpr int LoadTimeoutMs = 15000;

// Every model entry of the fixture's provider files, keyed by registry key.
QMap<QString, QJsonObject> fixtureModels()
{
    QMap<QString, QJsonObject> models;
    const QDir fixtures(registryFixturePath());
    for (const QString &provider : fixtures.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile file(fixtures.filePath(provider + QStringLiteral("/models.json")));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject entries = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("models")).toObject();
        for (auto it = entries.constBegin(); it != entries.constEnd(); ++it)
            models.insert(it.key(), it.value().toObject());
    }
    return models;
}

// The registry keys of the proxy's rows, top to bottom.
QStringList visibleKeys(const QAbstractItemModel &model)
{
    QStringList keys;
    for (int row = 0; row < model.rowCount(); ++row)
        keys.append(model.index(row, RegistryModel::Model).data().toString());
    return keys;
}

} // namespace

class tst_RegistryPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void rowsMatchFixture();
    void cellsOfKnownModels();
    void versionShown();
    void searchFilter_data();
    void searchFilter();
    void providerFilter();
    void numericSort_data();
    void numericSort();
    void stateRoundTrip();
    void registryUnavailable();

private:
    std::unique_ptr<TestDatabase> m_database;
    TestService m_service;
    api::ApiClient m_client;
    std::unique_ptr<RegistryPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_filterTester;
};

void tst_RegistryPage::initTestCase()
{
    m_database = std::make_unique<TestDatabase>(QStringLiteral("registrypage"));
    QVERIFY2(m_database->isConfigured(), qPrintable(m_database->error()));
    QString error;
    QVERIFY2(m_service.start(m_database->settings(), &error), qPrintable(error));
    m_client.setServer(m_service.baseUrl());

    m_page = std::make_unique<RegistryPage>(m_client);
    m_modelTester = std::make_unique<QAbstractItemModelTester>(m_page->model());
    m_filterTester = std::make_unique<QAbstractItemModelTester>(m_page->filterModel());
    m_page->resize(1280, 800);
    m_page->show();
    m_page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), LoadTimeoutMs);
    QCOMPARE(m_page->lastError(), QString());
}

// Each test starts from the unfiltered table sorted by model key.
void tst_RegistryPage::init()
{
    m_page->findChild<QLineEdit *>(QStringLiteral("searchEdit"))->clear();
    m_page->findChild<QComboBox *>(QStringLiteral("providerBox"))->setCurrentIndex(0);
    m_page->tableView()->sortByColumn(RegistryModel::Model, Qt::AscendingOrder);
}

void tst_RegistryPage::cleanupTestCase()
{
    m_filterTester.reset();
    m_modelTester.reset();
    m_page.reset();
    m_service.stop();
    m_database.reset();
}

void tst_RegistryPage::rowsMatchFixture()
{
    const QStringList expected = fixtureModels().keys();
    QVERIFY(!expected.isEmpty());

    QStringList actual;
    for (const RegistryEntry &entry : m_page->model()->entries())
        actual.append(entry.key);
    actual.sort();

    QCOMPARE(m_page->model()->rowCount(), expected.size());
    QCOMPARE(actual, expected);
    // Sorted by key, the proxy shows the same rows in key order.
    QCOMPARE(visibleKeys(*m_page->filterModel()), expected);
}

void tst_RegistryPage::cellsOfKnownModels()
{
    const RegistryFilterModel &table = *m_page->filterModel();
    const QStringList keys = visibleKeys(table);
    const auto cell = [&](const QString &key, int column, int role = Qt::DisplayRole) {
        return table.index(static_cast<int>(keys.indexOf(key)), column).data(role);
    };
    const QString gpt4o = QStringLiteral("openai:gpt-4o");
    QVERIFY(keys.contains(gpt4o));

    QCOMPARE(cell(gpt4o, RegistryModel::Provider).toString(), QStringLiteral("openai"));
    QCOMPARE(cell(gpt4o, RegistryModel::DisplayName).toString(), QStringLiteral("GPT-4o"));
    QCOMPARE(cell(gpt4o, RegistryModel::InputPrice, RegistryModel::SortRole).toDouble(), 2.5);
    QCOMPARE(cell(gpt4o, RegistryModel::InputPrice).toString(), QStringLiteral("$2.50"));
    QCOMPARE(cell(gpt4o, RegistryModel::OutputPrice, RegistryModel::SortRole).toDouble(), 10.0);
    QCOMPARE(cell(gpt4o, RegistryModel::OutputPrice).toString(), QStringLiteral("$10.00"));
    QCOMPARE(cell(gpt4o, RegistryModel::CacheReadPrice, RegistryModel::SortRole).toDouble(), 1.25);
    QCOMPARE(cell(gpt4o, RegistryModel::CacheReadPrice).toString(), QStringLiteral("$1.25"));
    QCOMPARE(cell(gpt4o, RegistryModel::MaxInputTokens, RegistryModel::SortRole).toLongLong(), 128000);
    QCOMPARE(cell(gpt4o, RegistryModel::MaxOutputTokens, RegistryModel::SortRole).toLongLong(), 16384);
    QCOMPARE(cell(gpt4o, RegistryModel::Capabilities).toString(), QStringLiteral("vision, function calling, json mode"));
    QCOMPARE(cell(gpt4o, RegistryModel::Active).toString(), QStringLiteral("yes"));

    // A price below a cent keeps its significant digits.
    const QString flash = QStringLiteral("google:gemini-flash-latest");
    QCOMPARE(cell(flash, RegistryModel::InputPrice).toString(), QStringLiteral("$0.075"));
    // Fields the entry leaves out are empty, not zero.
    QCOMPARE(cell(flash, RegistryModel::CacheReadPrice).toString(), QString());
    QVERIFY(!cell(flash, RegistryModel::CacheReadPrice, RegistryModel::SortRole).isValid());
    QCOMPARE(cell(flash, RegistryModel::DisplayName).toString(), QString());
    QCOMPARE(cell(flash, RegistryModel::Active).toString(), QString());
    QCOMPARE(cell(flash, RegistryModel::Capabilities).toString(), QString());

    // A capability flag without the supports_ prefix counts, and is named once.
    QCOMPARE(cell(QStringLiteral("google:gemini-1.5-pro"), RegistryModel::Capabilities).toString(),
             QStringLiteral("vision, function calling"));
    QCOMPARE(cell(QStringLiteral("anthropic:claude-3-5-haiku"), RegistryModel::Capabilities).toString(),
             QStringLiteral("function calling"));
}

void tst_RegistryPage::versionShown()
{
    const QString text = m_page->findChild<QLabel *>(QStringLiteral("sourceLabel"))->text();
    QVERIFY2(text.startsWith(QStringLiteral("Registry version 2025-08-20, generated ")), qPrintable(text));
    // The service stamps the time it built the registry, shown in UTC.
    QVERIFY2(text.contains(QStringLiteral(" UTC. Models: 5")), qPrintable(text));
}

void tst_RegistryPage::searchFilter_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("model key, other case") << "GPT-4O"
                                           << QStringList{"openai:gpt-4o", "openai:gpt-4o-mini"};
    QTest::newRow("provider") << "anthropic" << QStringList{"anthropic:claude-3-5-haiku"};
    QTest::newRow("spaces around the text") << " gpt-4o " << QStringList{"openai:gpt-4o", "openai:gpt-4o-mini"};
    QTest::newRow("part of a key") << "flash" << QStringList{"google:gemini-flash-latest"};
    QTest::newRow("no match") << "llama" << QStringList{};
}

void tst_RegistryPage::searchFilter()
{
    QFETCH(QString, search);
    QFETCH(QStringList, expected);

    m_page->findChild<QLineEdit *>(QStringLiteral("searchEdit"))->setText(search);

    QCOMPARE(visibleKeys(*m_page->filterModel()), expected);
}

void tst_RegistryPage::providerFilter()
{
    auto *providers = m_page->findChild<QComboBox *>(QStringLiteral("providerBox"));
    QStringList names;
    for (int i = 1; i < providers->count(); ++i)
        names.append(providers->itemText(i));
    QCOMPARE(names, (QStringList{"anthropic", "google", "openai"}));

    providers->setCurrentIndex(providers->findData(QStringLiteral("google")));
    QCOMPARE(visibleKeys(*m_page->filterModel()),
             (QStringList{"google:gemini-1.5-pro", "google:gemini-flash-latest"}));

    // The provider filter and the search both apply.
    m_page->findChild<QLineEdit *>(QStringLiteral("searchEdit"))->setText(QStringLiteral("pro"));
    QCOMPARE(visibleKeys(*m_page->filterModel()), QStringList{"google:gemini-1.5-pro"});
}

void tst_RegistryPage::numericSort_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("field");
    QTest::addColumn<Qt::SortOrder>("order");

    const QString input = QStringLiteral("dollars_per_million_tokens_input");
    const QString output = QStringLiteral("dollars_per_million_tokens_output");
    const QString cacheRead = QStringLiteral("dollars_per_million_tokens_cache_read");
    QTest::newRow("input ascending") << int(RegistryModel::InputPrice) << input << Qt::AscendingOrder;
    QTest::newRow("input descending") << int(RegistryModel::InputPrice) << input << Qt::DescendingOrder;
    // As text "$10.00" would come before "$4.00".
    QTest::newRow("output ascending") << int(RegistryModel::OutputPrice) << output << Qt::AscendingOrder;
    // Models without the price stay last in both orders.
    QTest::newRow("cache read ascending") << int(RegistryModel::CacheReadPrice) << cacheRead << Qt::AscendingOrder;
    QTest::newRow("cache read descending") << int(RegistryModel::CacheReadPrice) << cacheRead << Qt::DescendingOrder;
}

void tst_RegistryPage::numericSort()
{
    QFETCH(int, column);
    QFETCH(QString, field);
    QFETCH(Qt::SortOrder, order);

    // The expected order from the fixture's own numbers. Ties and missing values go by key.
    QList<std::pair<QString, QJsonValue>> models;
    const QMap<QString, QJsonObject> fixture = fixtureModels();
    for (auto it = fixture.constBegin(); it != fixture.constEnd(); ++it)
        models.append({it.key(), it.value().value(field)});
    std::stable_sort(models.begin(), models.end(), [order](const auto &left, const auto &right) {
        if (left.second.isDouble() != right.second.isDouble())
            return left.second.isDouble();
        if (!left.second.isDouble())
            return false;
        return order == Qt::AscendingOrder ? left.second.toDouble() < right.second.toDouble()
                                           : left.second.toDouble() > right.second.toDouble();
    });
    QStringList expected;
    for (const auto &[key, value] : models)
        expected.append(key);

    m_page->tableView()->sortByColumn(column, order);

    QCOMPARE(visibleKeys(*m_page->filterModel()), expected);
}

void tst_RegistryPage::stateRoundTrip()
{
    QTemporaryDir folder;
    QVERIFY2(folder.isValid(), qPrintable(folder.errorString()));
    QSettings settings(folder.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);

    m_page->findChild<QLineEdit *>(QStringLiteral("searchEdit"))->setText(QStringLiteral("gpt"));
    auto *providers = m_page->findChild<QComboBox *>(QStringLiteral("providerBox"));
    providers->setCurrentIndex(providers->findData(QStringLiteral("openai")));
    m_page->tableView()->sortByColumn(RegistryModel::OutputPrice, Qt::DescendingOrder);
    settings.beginGroup(QStringLiteral("registry"));
    m_page->saveState(settings);
    settings.endGroup();

    // A new page restores the filters before its first load and applies them to it.
    RegistryPage restored(m_client);
    settings.beginGroup(QStringLiteral("registry"));
    restored.restoreState(settings);
    settings.endGroup();
    restored.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!restored.isBusy(), LoadTimeoutMs);

    QCOMPARE(restored.findChild<QLineEdit *>(QStringLiteral("searchEdit"))->text(), QStringLiteral("gpt"));
    QCOMPARE(restored.findChild<QComboBox *>(QStringLiteral("providerBox"))->currentData().toString(),
             QStringLiteral("openai"));
    QCOMPARE(restored.filterModel()->provider(), QStringLiteral("openai"));
    QCOMPARE(restored.tableView()->horizontalHeader()->sortIndicatorSection(), int(RegistryModel::OutputPrice));
    QCOMPARE(restored.tableView()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(visibleKeys(*restored.filterModel()), (QStringList{"openai:gpt-4o", "openai:gpt-4o-mini"}));
}

void tst_RegistryPage::registryUnavailable()
{
    QTemporaryDir folder;
    QVERIFY2(folder.isValid(), qPrintable(folder.errorString()));
    const QString missing = folder.filePath(QStringLiteral("missing"));
    Settings settings = m_database->settings();
    QString error;
    QVERIFY2(settings.setRegistryBaseUrl(missing, QStringLiteral("registry"), &error), qPrintable(error));
    TestService service;
    QVERIFY2(service.start(settings, &error), qPrintable(error));
    api::ApiClient client;
    client.setServer(service.baseUrl());
    RegistryPage page(client);
    QSignalSpy errors(&page, &ConsolePage::errorOccurred);

    page.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), LoadTimeoutMs);

    const QString detail = QStringLiteral("Registry unavailable: ")
        + QUrl::fromLocalFile(missing + u'/').toDisplayString();
    QCOMPARE(page.lastError(), QStringLiteral("The server answered with HTTP status 503: ") + detail);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), page.lastError());
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("sourceLabel"))->text(), page.lastError());
    QCOMPARE(page.model()->rowCount(), 0);
}

QTEST_MAIN(tst_RegistryPage)

#include "tst_registrypage.moc"
