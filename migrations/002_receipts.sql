-- Receipts: signed statements of one LLM call's usage and cost, stored per project
-- exactly as they were verified.

CREATE TABLE {{schema}}.receipts (
    api_key_id varchar(255) NOT NULL,
    receipt_id varchar(128) NOT NULL,
    -- The RFC 8785 canonical text of every member but `signature`: the signed message,
    -- byte for byte, so a client can re-verify exactly what it fetches.
    canonical_members text NOT NULL,
    signature bytea NOT NULL CHECK (octet_length(signature) = 64),
    -- Parsed from the receipt's `timestamp` (which stays in canonical_members exactly as
    -- signed), for ordering and date filters.
    signed_at timestamptz NOT NULL,
    model varchar(255) NOT NULL,
    alias varchar(255) NOT NULL,
    profile varchar(255) NOT NULL,
    key_id varchar(255) NOT NULL,
    input_tokens integer NOT NULL CHECK (input_tokens >= 0),
    output_tokens integer NOT NULL CHECK (output_tokens >= 0),
    cached_input_tokens integer NOT NULL CHECK (cached_input_tokens >= 0),
    cost_amount numeric(20, 10) NOT NULL CHECK (cost_amount >= 0),
    stored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, receipt_id)
);

-- Listings are per project, newest first, filtered by time, model and alias.
CREATE INDEX receipts_project_time_idx ON {{schema}}.receipts (api_key_id, signed_at DESC, receipt_id DESC);
