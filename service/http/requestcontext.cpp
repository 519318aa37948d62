// SPDX-License-Identifier: MIT

#include "requestcontext.h"

#include "database/connectionprovider.h"

namespace llmring {

DatabaseConnection &RequestContext::database()
{
    return connections.connection();
}

} // namespace llmring
