// SPDX-License-Identifier: MIT

#include "requestcontext.h"

#include "database/connectionprovider.h"
#include "database/databaseconnection.h"

namespace llmring {

DatabaseConnection &RequestContext::database()
{
    DatabaseConnection &connection = connections.connection();
    if (!databaseUsed) {
        connection.beginRequest();
        databaseUsed = true;
    }
    return connection;
}

} // namespace llmring
