// SPDX-License-Identifier: MIT

#include "fieldreader.h"

#include <QLocale>

#include <cmath>

namespace llmring {

namespace {

QString characters(qsizetype count)
{
    return count == 1 ? QStringLiteral("1 character") : QStringLiteral("%1 characters").arg(count);
}

} // namespace

std::optional<QString> canonicalUuid(const QString &text)
{
    if (text.size() != 36)
        return std::nullopt;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return std::nullopt;
        } else if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'))) {
            return std::nullopt;
        }
    }
    return text.toLower();
}

qsizetype codePointCount(const QString &text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

FieldReader::FieldReader(const QJsonObject &object, const QJsonArray &locPrefix, ValidationErrors &errors)
    : m_object(object)
    , m_locPrefix(locPrefix)
    , m_errors(errors)
{
}

bool FieldReader::has(const QString &name) const
{
    const QJsonValue value = m_object.value(name);
    return !value.isUndefined() && !value.isNull();
}

QJsonArray FieldReader::locOf(const QString &name) const
{
    QJsonArray loc = m_locPrefix;
    loc.append(name);
    return loc;
}

void FieldReader::addError(const QString &name, const QString &msg, QLatin1StringView type)
{
    m_errors.add(locOf(name), msg, type);
}

std::optional<QString> FieldReader::requiredString(const QString &name, qsizetype minLength, qsizetype maxLength)
{
    if (!has(name)) {
        addError(name, QStringLiteral("field required"), ErrorType::Missing);
        return std::nullopt;
    }
    return readString(name, minLength, maxLength);
}

std::optional<QString> FieldReader::optionalString(const QString &name, qsizetype maxLength)
{
    if (!has(name))
        return std::nullopt;
    return readString(name, 0, maxLength);
}

std::optional<QString> FieldReader::optionalString(const QString &name, qsizetype minLength, qsizetype maxLength)
{
    if (!has(name))
        return std::nullopt;
    return readString(name, minLength, maxLength);
}

std::optional<QString> FieldReader::readString(const QString &name, qsizetype minLength, qsizetype maxLength)
{
    const QJsonValue value = m_object.value(name);
    if (!value.isString()) {
        addError(name, QStringLiteral("must be a string"), ErrorType::TypeError);
        return std::nullopt;
    }
    const QString text = value.toString();
    const qsizetype length = codePointCount(text);
    if (length < minLength) {
        addError(name, QStringLiteral("must be at least %1").arg(characters(minLength)), ErrorType::ValueError);
        return std::nullopt;
    }
    if (length > maxLength) {
        addError(name, QStringLiteral("must be at most %1").arg(characters(maxLength)), ErrorType::ValueError);
        return std::nullopt;
    }
    return text;
}

std::optional<qint64> FieldReader::requiredInteger(const QString &name, qint64 minimum, qint64 maximum)
{
    if (!has(name)) {
        addError(name, QStringLiteral("field required"), ErrorType::Missing);
        return std::nullopt;
    }
    return readInteger(name, minimum, maximum);
}

std::optional<qint64> FieldReader::optionalInteger(const QString &name, qint64 minimum, qint64 maximum)
{
    if (!has(name))
        return std::nullopt;
    return readInteger(name, minimum, maximum);
}

std::optional<qint64> FieldReader::readInteger(const QString &name, qint64 minimum, qint64 maximum)
{
    const QJsonValue value = m_object.value(name);
    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number) {
        addError(name, QStringLiteral("must be an integer"), ErrorType::TypeError);
        return std::nullopt;
    }
    // Compare as doubles first: a huge value must not overflow the conversion to qint64.
    if (number < static_cast<double>(minimum)) {
        addError(name, QStringLiteral("must be >= %1").arg(minimum), ErrorType::ValueError);
        return std::nullopt;
    }
    if (number > static_cast<double>(maximum)) {
        addError(name, QStringLiteral("must be <= %1").arg(maximum), ErrorType::ValueError);
        return std::nullopt;
    }
    return static_cast<qint64>(number);
}

std::optional<double> FieldReader::optionalNumber(const QString &name, double minimum, double maximum)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isDouble()) {
        addError(name, QStringLiteral("must be a number"), ErrorType::TypeError);
        return std::nullopt;
    }
    const double number = value.toDouble();
    if (number < minimum) {
        addError(name, QStringLiteral("must be >= %1").arg(QString::number(minimum, 'g', QLocale::FloatingPointShortest)),
                 ErrorType::ValueError);
        return std::nullopt;
    }
    if (number > maximum) {
        addError(name, QStringLiteral("must be <= %1").arg(QString::number(maximum, 'g', QLocale::FloatingPointShortest)),
                 ErrorType::ValueError);
        return std::nullopt;
    }
    return number;
}

std::optional<bool> FieldReader::optionalBoolean(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isBool()) {
        addError(name, QStringLiteral("must be a boolean"), ErrorType::TypeError);
        return std::nullopt;
    }
    return value.toBool();
}

std::optional<double> FieldReader::optionalMoney(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isDouble()) {
        addError(name, QStringLiteral("must be a number"), ErrorType::TypeError);
        return std::nullopt;
    }
    const double amount = value.toDouble();
    if (amount < 0) {
        addError(name, QStringLiteral("must be >= 0"), ErrorType::ValueError);
        return std::nullopt;
    }
    if (amount >= MoneyUpperBound) {
        addError(name, QStringLiteral("must be < 10000000000"), ErrorType::ValueError);
        return std::nullopt;
    }
    return amount;
}

std::optional<QJsonObject> FieldReader::requiredObject(const QString &name)
{
    if (!has(name)) {
        addError(name, QStringLiteral("field required"), ErrorType::Missing);
        return std::nullopt;
    }
    return optionalObject(name);
}

std::optional<QJsonObject> FieldReader::optionalObject(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isObject()) {
        addError(name, QStringLiteral("must be an object"), ErrorType::TypeError);
        return std::nullopt;
    }
    return value.toObject();
}

std::optional<QJsonArray> FieldReader::optionalObjectArray(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isArray()) {
        addError(name, QStringLiteral("must be an array of objects or null"), ErrorType::TypeError);
        return std::nullopt;
    }
    const QJsonArray items = value.toArray();
    bool valid = true;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject()) {
            QJsonArray loc = locOf(name);
            loc.append(i);
            m_errors.add(loc, QStringLiteral("must be an object"), ErrorType::TypeError);
            valid = false;
        }
    }
    if (!valid)
        return std::nullopt;
    return items;
}

std::optional<QString> FieldReader::requiredChoice(const QString &name, const QStringList &choices)
{
    if (!has(name)) {
        addError(name, QStringLiteral("field required"), ErrorType::Missing);
        return std::nullopt;
    }
    return optionalChoice(name, choices);
}

std::optional<QString> FieldReader::optionalChoice(const QString &name, const QStringList &choices)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isString() || !choices.contains(value.toString())) {
        addError(name, QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))),
                 value.isString() ? ErrorType::ValueError : ErrorType::TypeError);
        return std::nullopt;
    }
    return value.toString();
}

std::optional<QString> FieldReader::requiredUuid(const QString &name)
{
    if (!has(name)) {
        addError(name, QStringLiteral("field required"), ErrorType::Missing);
        return std::nullopt;
    }
    return optionalUuid(name);
}

std::optional<QString> FieldReader::optionalUuid(const QString &name)
{
    if (!has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    const std::optional<QString> uuid = value.isString() ? canonicalUuid(value.toString()) : std::nullopt;
    if (!uuid)
        addError(name, QStringLiteral("must be a UUID"), ErrorType::ValueError);
    return uuid;
}

QString FieldReader::spellingOf(const QString &name, const QString &alternative)
{
    if (!has(alternative))
        return name;
    if (has(name)) {
        addError(alternative, QStringLiteral("must not be given together with %1").arg(name), ErrorType::ValueError);
        return QString();
    }
    return alternative;
}

} // namespace llmring
