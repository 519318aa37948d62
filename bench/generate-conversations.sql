-- Loads 20,000 conversations of project bench-conversations with two messages each,
-- then updates the planner statistics of both tables.
-- Usage: psql "$URL" -f bench/generate-conversations.sql

INSERT INTO llmring.conversations (api_key_id, title, model_alias, message_count, total_input_tokens,
                                   total_output_tokens, total_cost, last_message_at)
SELECT 'bench-conversations', 'Preloaded conversation ' || n, 'summarizer', 2, 12, 5, 0.0001, now()
FROM generate_series(1, 20000) AS n;

INSERT INTO llmring.messages (conversation_id, api_key_id, position, role, content, content_hash, input_tokens,
                              output_tokens, metadata, cost)
SELECT c.id, c.api_key_id, m.position, m.role, m.content, encode(sha256(convert_to(m.content, 'UTF8')), 'hex'),
       m.input_tokens, m.output_tokens, m.metadata, m.cost
FROM llmring.conversations AS c
CROSS JOIN (VALUES (1, 'user', 'Summarise this', NULL::integer, NULL::integer, '{}'::jsonb, NULL::numeric),
                   (2, 'assistant', 'Here it is', 12, 5, '{"cost": 0.0001}'::jsonb, 0.0001))
    AS m(position, role, content, input_tokens, output_tokens, metadata, cost)
WHERE c.api_key_id = 'bench-conversations';

ANALYZE llmring.conversations;
ANALYZE llmring.messages;
