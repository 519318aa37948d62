-- Loads :rows usage rows for project :'project' into schema :schema, spread evenly over
-- 2026-01-01 to 2026-03-31 UTC, with 12 models, 6 origins, 8 aliases and some nulls.
-- Usage: psql "$URL" -v schema=llmring -v project=bench-stats -v rows=1000000 -f bench/generate-usage.sql
\set ON_ERROR_STOP on
INSERT INTO :schema.usage_logs
    (api_key_id, logged_at, provider, model, alias, profile, origin, id_at_origin,
     input_tokens, output_tokens, cached_input_tokens, cost, cost_source, latency_ms, metadata)
SELECT :'project',
       timestamptz '2026-01-01 00:00:00+00' + (i * (interval '90 days' / :rows)),
       (ARRAY['openai', 'anthropic', 'google'])[1 + i % 3],
       'model-' || (i % 12),
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'alias-' || (i % 8) END,
       'default',
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'origin-' || (i % 6) END,
       NULL,
       100 + i % 4000,
       20 + i % 900,
       i % 100,
       ((100 + i % 4000) * 2.5 + (20 + i % 900) * 10.0) / 1000000,
       'client',
       50 + i % 2000,
       '{}'::jsonb
FROM generate_series(1, :rows) AS i;
ANALYZE :schema.usage_logs;
