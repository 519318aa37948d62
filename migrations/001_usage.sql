-- Usage logs: one row per LLM call a project reports through POST /api/v1/log.

CREATE TABLE {{schema}}.usage_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    api_key_id varchar(255) NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now(),
    provider varchar(50) NOT NULL,
    model varchar(255) NOT NULL,
    alias varchar(128),
    profile varchar(64) NOT NULL DEFAULT 'default',
    origin varchar(255),
    id_at_origin varchar(255),
    input_tokens integer NOT NULL CHECK (input_tokens >= 0),
    output_tokens integer NOT NULL CHECK (output_tokens >= 0),
    cached_input_tokens integer NOT NULL DEFAULT 0
        CHECK (cached_input_tokens >= 0 AND cached_input_tokens <= input_tokens),
    -- Dollars, rounded to 10 decimal places; large enough for calls costing $100 or more.
    cost numeric(20, 10) NOT NULL DEFAULT 0 CHECK (cost >= 0),
    cost_source varchar(16) NOT NULL CHECK (cost_source IN ('client', 'registry', 'unpriced')),
    latency_ms integer CHECK (latency_ms >= 0),
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Set when the row was written by POST /conversations/log; the foreign key comes
    -- with the conversations table.
    conversation_id uuid
);

-- Stats and log listings filter by project and time range and list newest first.
CREATE INDEX usage_logs_project_time_idx
    ON {{schema}}.usage_logs (api_key_id, logged_at DESC, id DESC);

-- Idempotent retries: a project logs each (origin, id_at_origin) pair once. The pair
-- is indexed by its MD5 digests because three 255-character values of 4-byte UTF-8
-- exceed the largest btree entry (2704 bytes); a collision would only merge two of
-- the same project's own ids.
CREATE UNIQUE INDEX usage_logs_origin_idempotency_idx
    ON {{schema}}.usage_logs (api_key_id, md5(origin), md5(id_at_origin))
    WHERE origin IS NOT NULL AND id_at_origin IS NOT NULL;
