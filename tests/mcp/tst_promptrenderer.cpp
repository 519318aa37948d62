// SPDX-License-Identifier: MIT
// The prompt renderer without a database: declared arguments in both stored forms, the
// two render body forms, required argument checks, value formatting and placeholder
// filling, including repeated, adjacent, nested and unknown placeholders.

#include "mcp/promptrenderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace llmring;

namespace {

QJsonValue jsonOf(const QByteArray &text)
{
    return QJsonDocument::fromJson("[" + text + "]").array().at(0);
}

// The declared arguments as "name" or "name!" for required ones, in order.
QStringList describe(const QList<PromptArgument> &arguments)
{
    QStringList names;
    for (const PromptArgument &argument : arguments)
        names.append(argument.required ? argument.name + u'!' : argument.name);
    return names;
}

} // namespace

class tst_PromptRenderer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void declaredArguments_data();
    void declaredArguments();

    void bodyForms_data();
    void bodyForms();
    void bodyMustBeObject_data();
    void bodyMustBeObject();

    void requiredArguments_data();
    void requiredArguments();

    void placeholderText_data();
    void placeholderText();

    void fillPlaceholders_data();
    void fillPlaceholders();

    void renderMessages_data();
    void renderMessages();
};

void tst_PromptRenderer::declaredArguments_data()
{
    QTest::addColumn<QByteArray>("arguments");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("null") << QByteArray("null") << QStringList();
    QTest::newRow("empty array") << QByteArray("[]") << QStringList();
    QTest::newRow("empty object") << QByteArray("{}") << QStringList();
    QTest::newRow("string") << QByteArray(R"("topic")") << QStringList();
    QTest::newRow("MCP array") << QByteArray(R"([{"name": "topic", "description": "What", "required": true},
                                                 {"name": "tone", "required": false}, {"name": "length"}])")
                               << QStringList{"topic!", "tone", "length"};
    QTest::newRow("array keeps stored order") << QByteArray(R"([{"name": "b"}, {"name": "a", "required": true}])")
                                              << QStringList{"b", "a!"};
    QTest::newRow("required must be true") << QByteArray(R"([{"name": "a", "required": "true"},
                                                             {"name": "b", "required": 1}])")
                                           << QStringList{"a", "b"};
    QTest::newRow("entries without name skipped")
        << QByteArray(R"([{"required": true}, {"name": 5, "required": true}, "c", null, {"name": "d"}])")
        << QStringList{"d"};
    QTest::newRow("duplicate name merged") << QByteArray(R"([{"name": "a"}, {"name": "a", "required": true}])")
                                           << QStringList{"a!"};
    QTest::newRow("object form") << QByteArray(R"({"topic": {"required": true}, "tone": {}, "size": null,
                                                   "mood": "required"})")
                                 << QStringList{"mood", "size", "tone", "topic!"};
}

void tst_PromptRenderer::declaredArguments()
{
    QFETCH(QByteArray, arguments);
    QFETCH(QStringList, expected);

    QCOMPARE(describe(declaredPromptArguments(jsonOf(arguments))), expected);
}

void tst_PromptRenderer::bodyForms_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonObject>("expected");

    QTest::newRow("wrapped") << QByteArray(R"({"arguments": {"topic": "cats"}})") << QJsonObject{{"topic", "cats"}};
    QTest::newRow("bare") << QByteArray(R"({"topic": "cats"})") << QJsonObject{{"topic", "cats"}};
    QTest::newRow("empty object") << QByteArray("{}") << QJsonObject();
    QTest::newRow("wrapped empty") << QByteArray(R"({"arguments": {}})") << QJsonObject();
    QTest::newRow("wrapped null") << QByteArray(R"({"arguments": null})") << QJsonObject();
    QTest::newRow("arguments string is bare") << QByteArray(R"({"arguments": "all"})")
                                              << QJsonObject{{"arguments", "all"}};
    QTest::newRow("arguments array is bare") << QByteArray(R"({"arguments": [1]})")
                                             << QJsonObject{{"arguments", QJsonArray{1}}};
    QTest::newRow("arguments beside others is bare")
        << QByteArray(R"({"arguments": {"a": 1}, "topic": "cats"})")
        << QJsonObject{{"arguments", QJsonObject{{"a", 1}}}, {"topic", "cats"}};
}

void tst_PromptRenderer::bodyForms()
{
    QFETCH(QByteArray, body);
    QFETCH(QJsonObject, expected);
    ValidationErrors errors;

    const std::optional<QJsonObject> arguments = renderArgumentsFromBody(jsonOf(body), errors);

    QVERIFY(arguments);
    QCOMPARE(*arguments, expected);
    QVERIFY(errors.isEmpty());
}

void tst_PromptRenderer::bodyMustBeObject_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("string") << QByteArray(R"("topic")");
    QTest::newRow("number") << QByteArray("1");
    QTest::newRow("null") << QByteArray("null");
}

void tst_PromptRenderer::bodyMustBeObject()
{
    QFETCH(QByteArray, body);
    ValidationErrors errors;

    const std::optional<QJsonObject> arguments = renderArgumentsFromBody(jsonOf(body), errors);

    QVERIFY(!arguments);
    const QJsonArray expected{QJsonObject{
        {"loc", QJsonArray{"body"}}, {"msg", "must be a JSON object"}, {"type", "type_error"}}};
    QCOMPARE(errors.toJson(), expected);
}

void tst_PromptRenderer::requiredArguments_data()
{
    QTest::addColumn<QByteArray>("declared");
    QTest::addColumn<QJsonObject>("values");
    QTest::addColumn<QStringList>("missing");

    const QByteArray declared = R"([{"name": "b", "required": true}, {"name": "opt"}, {"name": "a", "required": true}])";
    QTest::newRow("all given") << declared << QJsonObject{{"a", 1}, {"b", ""}} << QStringList();
    QTest::newRow("optional absent") << declared << QJsonObject{{"a", false}, {"b", 0}} << QStringList();
    QTest::newRow("one missing") << declared << QJsonObject{{"b", "x"}, {"opt", "y"}} << QStringList{"a"};
    QTest::newRow("both missing in order") << declared << QJsonObject{{"other", "x"}} << QStringList{"b", "a"};
    QTest::newRow("null is missing") << declared << QJsonObject{{"a", "x"}, {"b", QJsonValue::Null}}
                                     << QStringList{"b"};
    QTest::newRow("object form") << QByteArray(R"({"topic": {"required": true}, "tone": {}})") << QJsonObject()
                                 << QStringList{"topic"};
    QTest::newRow("nothing declared") << QByteArray("null") << QJsonObject() << QStringList();
}

void tst_PromptRenderer::requiredArguments()
{
    QFETCH(QByteArray, declared);
    QFETCH(QJsonObject, values);
    QFETCH(QStringList, missing);
    ValidationErrors errors;

    checkRequiredArguments(declaredPromptArguments(jsonOf(declared)), values, errors);

    QJsonArray expected;
    for (const QString &name : missing) {
        expected.append(QJsonObject{{"loc", QJsonArray{"body", "arguments", name}},
                                    {"msg", "required argument missing"},
                                    {"type", "missing"}});
    }
    QCOMPARE(errors.toJson(), expected);
}

void tst_PromptRenderer::placeholderText_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expected");

    QTest::newRow("string") << QByteArray(R"("plain \"quoted\" text")") << QStringLiteral("plain \"quoted\" text");
    QTest::newRow("empty string") << QByteArray(R"("")") << QString();
    QTest::newRow("unicode string") << QByteArray(R"("Grüße, 世界 😀")") << QStringLiteral("Grüße, 世界 😀");
    QTest::newRow("integer") << QByteArray("42") << QStringLiteral("42");
    QTest::newRow("negative") << QByteArray("-7") << QStringLiteral("-7");
    QTest::newRow("integral fraction") << QByteArray("3.0") << QStringLiteral("3");
    QTest::newRow("fraction") << QByteArray("2.5") << QStringLiteral("2.5");
    QTest::newRow("small fraction") << QByteArray("0.1") << QStringLiteral("0.1");
    QTest::newRow("large") << QByteArray("1e300") << QStringLiteral("1e+300");
    QTest::newRow("true") << QByteArray("true") << QStringLiteral("true");
    QTest::newRow("false") << QByteArray("false") << QStringLiteral("false");
    QTest::newRow("null") << QByteArray("null") << QStringLiteral("null");
    QTest::newRow("object sorted") << QByteArray(R"({"b": [1, "x"], "a": {"c": null}})")
                                   << QStringLiteral(R"({"a":{"c":null},"b":[1,"x"]})");
    QTest::newRow("array") << QByteArray(R"([1, "two", true, ["é"]])") << QStringLiteral(R"([1,"two",true,["é"]])");
    QTest::newRow("empty array") << QByteArray("[]") << QStringLiteral("[]");
}

void tst_PromptRenderer::placeholderText()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);

    QCOMPARE(llmring::placeholderText(jsonOf(value)), expected);
}

void tst_PromptRenderer::fillPlaceholders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("no placeholders") << QStringLiteral("Hello") << QStringLiteral("Hello");
    QTest::newRow("empty text") << QString() << QString();
    QTest::newRow("one") << QStringLiteral("Hello {{name}}!") << QStringLiteral("Hello Ada!");
    QTest::newRow("whole text") << QStringLiteral("{{name}}") << QStringLiteral("Ada");
    QTest::newRow("repeated") << QStringLiteral("{{name}} and {{name}}") << QStringLiteral("Ada and Ada");
    QTest::newRow("adjacent") << QStringLiteral("{{name}}{{place}}{{name}}") << QStringLiteral("AdaLondonAda");
    QTest::newRow("spaces inside braces") << QStringLiteral("{{ name }}, {{name }}, {{\tplace\n}}")
                                          << QStringLiteral("Ada, Ada, London");
    QTest::newRow("unknown kept") << QStringLiteral("{{name}} {{unknown}}") << QStringLiteral("Ada {{unknown}}");
    QTest::newRow("null kept") << QStringLiteral("[{{nothing}}]") << QStringLiteral("[{{nothing}}]");
    QTest::newRow("empty name kept") << QStringLiteral("{{}} {{  }}") << QStringLiteral("{{}} {{  }}");
    QTest::newRow("single braces untouched") << QStringLiteral("{name} }} {") << QStringLiteral("{name} }} {");
    QTest::newRow("unclosed") << QStringLiteral("{{name} and {{name") << QStringLiteral("{{name} and {{name");
    QTest::newRow("triple braces") << QStringLiteral("{{{name}}}") << QStringLiteral("{Ada}");
    QTest::newRow("brace inside name") << QStringLiteral("{{na}me}} {{name}}") << QStringLiteral("{{na}me}} Ada");
    QTest::newRow("inner space in name") << QStringLiteral("{{first name}}") << QStringLiteral("Grace");
    QTest::newRow("case sensitive") << QStringLiteral("{{Name}}") << QStringLiteral("{{Name}}");
    QTest::newRow("value not rescanned") << QStringLiteral("{{template}}") << QStringLiteral("{{name}}");
    QTest::newRow("number") << QStringLiteral("n={{count}}") << QStringLiteral("n=3");
    QTest::newRow("boolean") << QStringLiteral("{{flag}}") << QStringLiteral("false");
    QTest::newRow("object") << QStringLiteral("{{options}}") << QStringLiteral(R"({"deep":true,"k":[1]})");
    QTest::newRow("unicode value") << QStringLiteral("→ {{greeting}} ←") << QStringLiteral("→ こんにちは 😀 ←");
    QTest::newRow("unicode name") << QStringLiteral("{{città}}") << QStringLiteral("Roma");
}

void tst_PromptRenderer::fillPlaceholders()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QJsonObject values{
        {"name", "Ada"},
        {"place", "London"},
        {"nothing", QJsonValue::Null},
        {"first name", "Grace"},
        {"template", "{{name}}"},
        {"count", 3},
        {"flag", false},
        {"options", QJsonObject{{"k", QJsonArray{1}}, {"deep", true}}},
        {"greeting", QStringLiteral("こんにちは 😀")},
        {QStringLiteral("città"), "Roma"},
    };

    QCOMPARE(llmring::fillPlaceholders(text, values), expected);
}

void tst_PromptRenderer::renderMessages_data()
{
    QTest::addColumn<QByteArray>("messages");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("null") << QByteArray("null") << QByteArray("null");
    QTest::newRow("empty") << QByteArray("[]") << QByteArray("[]");
    QTest::newRow("role and content")
        << QByteArray(R"([{"role": "system", "content": "You help {{name}}."},
                          {"role": "user", "content": "{{name}} in {{place}}: {{missing}}"}])")
        << QByteArray(R"([{"role": "system", "content": "You help Ada."},
                          {"role": "user", "content": "Ada in London: {{missing}}"}])");
    QTest::newRow("only content is filled")
        << QByteArray(R"([{"role": "{{name}}", "content": "{{name}}", "note": "{{name}}"}])")
        << QByteArray(R"([{"role": "{{name}}", "content": "Ada", "note": "{{name}}"}])");
    QTest::newRow("MCP content object")
        << QByteArray(R"([{"role": "user", "content": {"type": "text", "text": "Hi {{name}}", "n": 1}}])")
        << QByteArray(R"([{"role": "user", "content": {"type": "text", "text": "Hi Ada", "n": 1}}])");
    QTest::newRow("content array") << QByteArray(R"([{"role": "user", "content": ["{{name}}", ["{{place}}"]]}])")
                                   << QByteArray(R"([{"role": "user", "content": ["Ada", ["London"]]}])");
    QTest::newRow("message without content") << QByteArray(R"([{"role": "user"}])")
                                             << QByteArray(R"([{"role": "user"}])");
    QTest::newRow("items that are not objects") << QByteArray(R"(["{{name}}", 1, null])")
                                                << QByteArray(R"(["{{name}}", 1, null])");
    QTest::newRow("object template unchanged") << QByteArray(R"({"content": "{{name}}"})")
                                               << QByteArray(R"({"content": "{{name}}"})");
}

void tst_PromptRenderer::renderMessages()
{
    QFETCH(QByteArray, messages);
    QFETCH(QByteArray, expected);
    const QJsonObject values{{"name", "Ada"}, {"place", "London"}};

    QCOMPARE(renderPromptMessages(jsonOf(messages), values), jsonOf(expected));
}

QTEST_GUILESS_MAIN(tst_PromptRenderer)
#include "tst_promptrenderer.moc"
