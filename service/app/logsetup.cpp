// SPDX-License-Identifier: MIT

#include "logsetup.h"

#include <QLoggingCategory>

namespace llmring {

void setUpLogging(const QString &level)
{
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddTHH:mm:ss.zzzZ} %{if-debug}DEBUG%{endif}%{if-info}INFO%{endif}"
        "%{if-warning}WARNING%{endif}%{if-critical}CRITICAL%{endif}%{if-fatal}FATAL%{endif} "
        "%{category}: %{message}"));

    QStringList rules;
    const bool debug = level == QLatin1String("debug");
    const bool info = debug || level == QLatin1String("info");
    const bool warning = info || level == QLatin1String("warning");
    rules.append(QStringLiteral("llmring.*.debug=%1").arg(debug ? u"true" : u"false"));
    rules.append(QStringLiteral("llmring.*.info=%1").arg(info ? u"true" : u"false"));
    rules.append(QStringLiteral("llmring.*.warning=%1").arg(warning ? u"true" : u"false"));
    QLoggingCategory::setFilterRules(rules.join(u'\n'));
}

} // namespace llmring
