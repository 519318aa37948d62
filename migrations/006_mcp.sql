-- MCP (Model Context Protocol): the servers a project registers, the tools, resources
-- and prompts each offers, and the audit trail of tool executions. Every row keeps its
-- project, so each statement filters by it without a join.

CREATE TABLE {{schema}}.mcp_servers (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name varchar(255) NOT NULL,
    url varchar(1000) NOT NULL,
    transport_type varchar(16) NOT NULL CHECK (transport_type IN ('stdio', 'http', 'websocket')),
    -- May hold secrets: responses mask every string in it.
    auth_config jsonb,
    capabilities jsonb,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id)
);

CREATE INDEX mcp_servers_project_created_idx ON {{schema}}.mcp_servers (api_key_id, created_at DESC, id DESC);

-- A server's tools, resources and prompts go with it; a refresh matches tools and
-- prompts by name and resources by URI, so those are unique per server.
CREATE TABLE {{schema}}.mcp_tools (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    server_id uuid NOT NULL REFERENCES {{schema}}.mcp_servers (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    description text,
    input_schema jsonb NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (server_id, name)
);

CREATE INDEX mcp_tools_project_idx ON {{schema}}.mcp_tools (api_key_id, created_at, id);

CREATE TABLE {{schema}}.mcp_resources (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    server_id uuid NOT NULL REFERENCES {{schema}}.mcp_servers (id) ON DELETE CASCADE,
    uri varchar(1000) NOT NULL,
    name varchar(255),
    description text,
    mime_type varchar(255),
    -- The `text` a refresh carried, served by GET /resources/{id}/content.
    content text,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (server_id, uri)
);

CREATE INDEX mcp_resources_project_idx ON {{schema}}.mcp_resources (api_key_id, created_at, id);

CREATE TABLE {{schema}}.mcp_prompts (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    server_id uuid NOT NULL REFERENCES {{schema}}.mcp_servers (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    description text,
    -- The argument descriptions, such as [{"name": "topic", "required": true}].
    arguments jsonb,
    -- [{role, content}] with {{name}} placeholders, filled by POST /prompts/{id}/render.
    messages jsonb,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (server_id, name)
);

CREATE INDEX mcp_prompts_project_idx ON {{schema}}.mcp_prompts (api_key_id, created_at, id);

-- The audit trail. It outlives the tool and the server: their ids become NULL and the
-- names stay.
CREATE TABLE {{schema}}.mcp_tool_executions (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tool_id uuid REFERENCES {{schema}}.mcp_tools (id) ON DELETE SET NULL,
    server_id uuid REFERENCES {{schema}}.mcp_servers (id) ON DELETE SET NULL,
    tool_name varchar(255) NOT NULL,
    server_name varchar(255) NOT NULL,
    conversation_id uuid REFERENCES {{schema}}.conversations (id) ON DELETE SET NULL,
    input jsonb NOT NULL,
    output jsonb,
    error text,
    duration_ms integer CHECK (duration_ms >= 0),
    executed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id)
);

-- GET /executions, newest first, and its filters.
CREATE INDEX mcp_executions_project_idx ON {{schema}}.mcp_tool_executions (api_key_id, executed_at DESC, id DESC);
-- A tool's history, newest first.
CREATE INDEX mcp_executions_tool_idx ON {{schema}}.mcp_tool_executions (tool_id, executed_at DESC, id DESC)
    WHERE tool_id IS NOT NULL;
-- The foreign keys' ON DELETE SET NULL looks rows up by these.
CREATE INDEX mcp_executions_server_idx ON {{schema}}.mcp_tool_executions (server_id) WHERE server_id IS NOT NULL;
CREATE INDEX mcp_executions_conversation_idx ON {{schema}}.mcp_tool_executions (conversation_id)
    WHERE conversation_id IS NOT NULL;
