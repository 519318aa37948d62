// SPDX-License-Identifier: MIT
// The receipt routes: the published keys, verification, and each project's receipts.

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
    QHttpServerResponse storeReceipt(RequestContext &context) const;
    QHttpServerResponse listReceipts(RequestContext &context) const;
    QHttpServerResponse getReceipt(RequestContext &context) const;
    QHttpServerResponse issueReceipt(RequestContext &context) const;

private:
    std::shared_ptr<const ReceiptKeys> m_keys;
    qint64 m_maxBodyBytes;
};

} // namespace llmring
