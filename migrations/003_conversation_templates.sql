-- Conversation templates: reusable system prompts and model settings, kept per project
-- with a count of how often each was used.

CREATE TABLE {{schema}}.conversation_templates (
    api_key_id varchar(255) NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name varchar(255) NOT NULL,
    description text,
    system_prompt text,
    model varchar(255),
    temperature double precision NOT NULL DEFAULT 0.7 CHECK (temperature >= 0 AND temperature <= 2),
    max_tokens integer CHECK (max_tokens > 0),
    tool_config jsonb NOT NULL DEFAULT '{}',
    created_by varchar(255) NOT NULL DEFAULT 'api',
    is_active boolean NOT NULL DEFAULT true,
    usage_count bigint NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    PRIMARY KEY (id)
);

-- Listings are per project, newest first.
CREATE INDEX conversation_templates_project_time_idx
    ON {{schema}}.conversation_templates (api_key_id, created_at DESC, id DESC);

-- Usage statistics are per project, most used first.
CREATE INDEX conversation_templates_project_usage_idx
    ON {{schema}}.conversation_templates (api_key_id, usage_count DESC);
