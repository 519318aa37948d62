-- wrk script: GET /api/v1/stats for the project the data generator filled.
-- Usage: wrk -t2 -c8 -d20s -s bench/stats.lua http://127.0.0.1:8000
wrk.method = "GET"
wrk.path = os.getenv("BENCH_STATS_PATH") or "/api/v1/stats?start_date=2026-01-01&end_date=2026-03-31&group_by=day"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or "bench-stats"

function done(summary, latency, requests)
    io.write(string.format("p50_ms=%.2f p99_ms=%.2f requests=%d rps=%.0f non2xx=%d\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, summary.requests / (summary.duration / 1e6),
        summary.errors.status))
end
