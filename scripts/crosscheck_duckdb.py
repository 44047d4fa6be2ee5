#!/usr/bin/env python3
"""Cross-check rumlens percentiles against DuckDB on the same file.

Usage: crosscheck_duckdb.py RUMLENS_BIN WORKDIR [SESSIONS]

Generates a dataset with `rumlens gen`, writes the enriched canonical Parquet with
`rumlens convert`, then compares `rumlens breakdown --metric M --by device_type,browser
--format json` with DuckDB's quantile_cont / avg / count on that Parquet, for several metrics.
Exits non-zero on any difference above 1e-6 relative.
"""
import json
import subprocess
import sys

import duckdb


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def main():
    binary, work = sys.argv[1], sys.argv[2]
    sessions = sys.argv[3] if len(sys.argv) > 3 else "4000"
    raw, enriched = f"{work}/cc.parquet", f"{work}/cc-enriched.parquet"
    run(binary, "gen", "--sessions", sessions, "--seed", "7", "--out", raw)
    run(binary, "convert", raw, "--out", enriched)
    con = duckdb.connect()
    checked = 0
    for metric, col in [("lcp", "lcp_ms"), ("inp", "inp_ms"), ("cls", "cls"), ("ttfb", "ttfb_ms")]:
        out = json.loads(run(binary, "breakdown", raw, "--metric", metric, "--by", "device_type,browser",
                             "--format", "json"))
        ours = {(r["device_type"], r["browser"]): r for r in out["rows"]}
        rows = con.execute(f"""
            SELECT device_type, browser, count(*) AS n,
                   quantile_cont({col}, 0.50), quantile_cont({col}, 0.75), quantile_cont({col}, 0.90),
                   quantile_cont({col}, 0.95), quantile_cont({col}, 0.99), avg({col})
            FROM read_parquet('{enriched}')
            WHERE event_type = 'view' AND {col} IS NOT NULL AND NOT isnan({col})
            GROUP BY ALL""").fetchall()
        if len(rows) != len(ours):
            sys.exit(f"{metric}: {len(rows)} DuckDB segments vs {len(ours)} rumlens segments")
        for dev, br, n, p50, p75, p90, p95, p99, mean in rows:
            r = ours.get((dev, br))
            if r is None or r["n"] != n:
                sys.exit(f"{metric} {dev}/{br}: n {n} vs {r and r['n']}")
            for name, want in [("p50", p50), ("p75", p75), ("p90", p90), ("p95", p95), ("p99", p99),
                               ("mean", mean)]:
                if not close(r[name], want):
                    sys.exit(f"{metric} {dev}/{br} {name}: rumlens {r[name]} vs DuckDB {want}")
                checked += 1
    print(f"duckdb cross-check: {checked} values equal to 1e-6 relative "
          f"(4 metrics x segments, {sessions} sessions)")


if __name__ == "__main__":
    main()
