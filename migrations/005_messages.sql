-- Messages of conversations. Each row keeps its project so a retention cleanup can
-- delete one project's old messages without joining conversations.

CREATE TABLE {{schema}}.messages (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES {{schema}}.conversations (id) ON DELETE CASCADE,
    api_key_id varchar(255) NOT NULL,
    -- 1, 2, 3... in the order the conversation received its messages. Positions come
    -- from the conversation's lifetime message_count, which a cleanup leaves unchanged,
    -- so they are never reused.
    position bigint NOT NULL CHECK (position > 0),
    role varchar(16) NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    -- NULL when the logging level was "metadata" or the message had no content.
    content text,
    -- Lowercase hex SHA-256 of the UTF-8 content; NULL when there was no content.
    content_hash char(64),
    input_tokens integer CHECK (input_tokens >= 0),
    output_tokens integer CHECK (output_tokens >= 0),
    tool_calls jsonb,
    tool_results jsonb,
    metadata jsonb NOT NULL DEFAULT '{}',
    -- metadata.cost as a number, rounded like every other amount of money.
    cost numeric(20, 10) CHECK (cost >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (id),
    -- Also the index that lists a conversation's messages oldest first.
    UNIQUE (conversation_id, position)
);

-- The retention cleanup deletes a project's messages older than a cut-off.
CREATE INDEX messages_project_created_idx ON {{schema}}.messages (api_key_id, created_at);

-- A conversation's total is a sum of many amounts below 10^10 dollars each, so it gets
-- more integer digits than a single amount.
ALTER TABLE {{schema}}.conversations ALTER COLUMN total_cost TYPE numeric(30, 10);
