-- pgbench script: the single-row INSERT that POST /api/v1/log runs, on the same schema,
-- without HTTP, to measure PostgreSQL's own ceiling on this machine.
-- Usage: pgbench -n -c 16 -j 2 -T 20 -D schema=llmring -f bench/pgbench-insert.sql "$URL"
INSERT INTO :schema.usage_logs (api_key_id, provider, model, alias, profile, origin, id_at_origin,
    input_tokens, output_tokens, cached_input_tokens, cost, cost_source, latency_ms, metadata)
VALUES ('bench-pgbench', 'openai', 'gpt-4o', 'summarizer', 'default', 'bench', NULL,
    1200, 350, 200, CAST('0.00625' AS numeric), 'client', NULL, CAST('{"finish_reason":"stop"}' AS jsonb))
RETURNING id::text, to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), cost::text, cost_source;
