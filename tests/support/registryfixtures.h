// SPDX-License-Identifier: MIT
// The fixture model registry under tests/registry/fixtures.

#pragma once

#include <QString>
#include <QUrl>

namespace llmring::test {

// The fixture folder in the source tree: manifest.json and <provider>/models.json.
inline QString registryFixturePath()
{
    return QStringLiteral(LLMRING_REGISTRY_FIXTURES);
}

// file:///…/tests/registry/fixtures/, the registry every test service reads unless the
// test names another, so that no test reaches the network.
inline QUrl registryFixtureUrl()
{
    return QUrl::fromLocalFile(registryFixturePath() + u'/');
}

} // namespace llmring::test
