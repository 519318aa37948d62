// SPDX-License-Identifier: MIT
// The public receipt routes: the published keys and offline-style verification.

#pragma once

#include <QHttpServerResponse>

#include <memory>

namespace llmring {

class ReceiptKeys;
class Router;
struct RequestContext;

class ReceiptRoutes
{
public:
    ReceiptRoutes(std::shared_ptr<const ReceiptKeys> keys, qint64 maxBodyBytes);

    void registerOn(Router &router) const;

    QHttpServerResponse publicKeyPem(RequestContext &context) const;
    QHttpServerResponse publicKeys(RequestContext &context) const;
    QHttpServerResponse verify(RequestContext &context) const;

private:
    std::shared_ptr<const ReceiptKeys> m_keys;
    qint64 m_maxBodyBytes;
};

} // namespace llmring
