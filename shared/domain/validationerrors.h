// SPDX-License-Identifier: MIT
// The list of field problems a 422 response reports.

#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

namespace llmring {

// One problem with one input value. `loc` is the path to the value, starting with
// where it came from ("body", "query", "path"), e.g. ["body", "tokens", "input"].
struct FieldError
{
    QJsonArray loc;
    QString msg;
    QString type;
};

// Collects field problems while a request is validated, so that one response can
// report all of them rather than only the first.
class ValidationErrors
{
public:
    void add(const QJsonArray &loc, const QString &msg, const QString &type);

    bool isEmpty() const { return m_errors.isEmpty(); }
    const QList<FieldError> &errors() const { return m_errors; }

    // The `detail` array of a 422 body: [{"loc": [...], "msg": "...", "type": "..."}].
    QJsonArray toJson() const;

private:
    QList<FieldError> m_errors;
};

// Error types used in `type`, so clients can branch on them.
namespace ErrorType {
inline constexpr QLatin1StringView Missing{"missing"};
inline constexpr QLatin1StringView TypeError{"type_error"};
inline constexpr QLatin1StringView ValueError{"value_error"};
inline constexpr QLatin1StringView JsonInvalid{"json_invalid"};
} // namespace ErrorType

} // namespace llmring
