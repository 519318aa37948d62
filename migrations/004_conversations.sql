-- Conversations: per project, with lifetime counters that the message routes keep up
-- to date.

CREATE TABLE {{schema}}.conversations (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title varchar(500),
    system_prompt text,
    model_alias varchar(255) NOT NULL DEFAULT 'default',
    temperature double precision NOT NULL DEFAULT 0.7 CHECK (temperature >= 0 AND temperature <= 2),
    max_tokens integer CHECK (max_tokens > 0),
    message_count integer NOT NULL DEFAULT 0,
    total_input_tokens bigint NOT NULL DEFAULT 0,
    total_output_tokens bigint NOT NULL DEFAULT 0,
    -- Dollars, rounded to 10 decimal places, like usage_logs.cost.
    total_cost numeric(20, 10) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz,
    PRIMARY KEY (id)
);

-- Listings are per project, most recently updated first.
CREATE INDEX conversations_project_updated_idx
    ON {{schema}}.conversations (api_key_id, updated_at DESC, id DESC);

-- A deleted conversation leaves its usage rows in place, with their figures, and
-- only unlinks them.
ALTER TABLE {{schema}}.usage_logs
    ADD CONSTRAINT usage_logs_conversation_fk FOREIGN KEY (conversation_id)
    REFERENCES {{schema}}.conversations (id) ON DELETE SET NULL;

-- Deleting a conversation looks up its usage rows.
CREATE INDEX usage_logs_conversation_idx
    ON {{schema}}.usage_logs (conversation_id) WHERE conversation_id IS NOT NULL;
