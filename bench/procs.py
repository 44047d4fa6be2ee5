#!/usr/bin/env python3
"""Whole-process timings: the rumlens CLI against the DuckDB CLI on the same files.

Usage: procs.py --rumlens BIN --duckdb BIN --parquet ENRICHED.parquet --out procs.json
                [--ndjson RAW.ndjson --workdir DIR] [--runs 5] [--l2-runs N] [--threads 2]

CLI (each command once untimed so both read a warm page cache, then `--runs` timed runs):
  breakdown  rumlens breakdown F --metric lcp --by device_type,browser --format csv
             vs duckdb: n and p75 of lcp_ms by device_type, browser (Q1's SQL), and "breakdown*":
             every column `rumlens breakdown` prints (p50..p99, mean, p75 CI, good/poor shares)
  trend      rumlens trend F --metric lcp --bucket 1h --by device_type --format csv
             vs duckdb: n and p75 of lcp_ms per hour bucket and device_type
L2 (with --ndjson): rumlens convert RAW.ndjson --out X.parquet vs DuckDB
  COPY (SELECT * FROM read_json_auto(RAW.ndjson)) TO 'Y.parquet' (FORMAT parquet).
Wall time is measured around the process; peak RSS is `/usr/bin/time -f %M` (KiB).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

Z95 = 1.959_963_984_540_054
VIEW_LCP = "event_type = 'view' AND lcp_ms IS NOT NULL AND NOT isnan(lcp_ms)"


def run_once(cmd, env):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = (time.perf_counter() - t) * 1000.0
        if p.returncode != 0:
            sys.exit(f"procs: command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
        rss = int(tf.read().strip().splitlines()[-1])
    return wall, rss, p.stdout


def measure(name, cmd, runs, warmup, env, before=None):
    times, rss, out = [], [], ""
    for i in range(warmup + runs):
        if before:
            before()
        wall, kib, out = run_once(cmd, env)
        if i >= warmup:
            times.append(wall)
            rss.append(kib)
    med = statistics.median(times)
    print(f"procs: {name}: median {med:.0f} ms, peak RSS {max(rss) / 1024:.0f} MiB", file=sys.stderr)
    return {"cmd": cmd, "times_ms": times, "median_ms": med, "peak_rss_kib": max(rss),
            "stdout_lines": len(out.splitlines())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rumlens", required=True)
    ap.add_argument("--duckdb", required=True)
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--ndjson")
    ap.add_argument("--workdir", default=".")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--l2-runs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    env = dict(os.environ)
    f, th = a.parquet, a.threads
    duck = [a.duckdb, "-csv", "-c"]
    out = {"cli": {}, "l2": {}}
    cli = out["cli"]

    cli["breakdown"] = {
        "rumlens": measure("rumlens breakdown", [a.rumlens, "breakdown", f, "--metric", "lcp", "--by",
                                                 "device_type,browser", "--format", "csv"], a.runs, 1, env),
        "duckdb": measure("duckdb breakdown", duck + [
            f"SET threads={th}; SELECT device_type, browser, count(*) AS n, quantile_cont(lcp_ms, 0.75) AS p75 "
            f"FROM read_parquet('{f}') WHERE {VIEW_LCP} GROUP BY ALL ORDER BY n DESC, device_type, browser"],
            a.runs, 1, env),
    }
    cli["breakdown*"] = {
        "rumlens": cli["breakdown"]["rumlens"],
        "duckdb": measure("duckdb breakdown*", duck + [
            f"""SET threads={th};
            WITH g AS (SELECT device_type, browser, count(*) AS n,
                              quantile_cont(lcp_ms, [0.5, 0.75, 0.9, 0.95, 0.99]) AS q, avg(lcp_ms) AS mean,
                              avg((lcp_ms <= 2500)::DOUBLE) AS good, avg((lcp_ms > 4000)::DOUBLE) AS poor,
                              list(lcp_ms ORDER BY lcp_ms) AS sorted
                       FROM read_parquet('{f}') WHERE {VIEW_LCP} GROUP BY ALL),
                 r AS (SELECT *, floor(n * 0.75 - {Z95} * sqrt(n * 0.1875))::BIGINT AS lo_rank,
                                 ceil(n * 0.75 + {Z95} * sqrt(n * 0.1875))::BIGINT + 1 AS hi_rank FROM g)
            SELECT device_type, browser, n, q[1] AS p50, q[2] AS p75,
                   CASE WHEN lo_rank BETWEEN 1 AND n THEN sorted[lo_rank] END AS p75_ci_low,
                   CASE WHEN hi_rank BETWEEN 1 AND n THEN sorted[hi_rank] END AS p75_ci_high,
                   q[3] AS p90, q[4] AS p95, q[5] AS p99, mean, good, 1 - good - poor AS needs_improvement, poor,
                   n < 50 AS low_n
            FROM r ORDER BY n DESC, device_type, browser"""], a.runs, 1, env),
    }
    cli["trend"] = {
        "rumlens": measure("rumlens trend", [a.rumlens, "trend", f, "--metric", "lcp", "--bucket", "1h", "--by",
                                             "device_type", "--format", "csv"], a.runs, 1, env),
        "duckdb": measure("duckdb trend", duck + [
            f"SET threads={th}; SELECT (epoch_ms(ts) // 3600000) * 3600000 AS bucket, device_type, "
            f"quantile_cont(lcp_ms, 0.75) AS p75, count(*) AS n FROM read_parquet('{f}') WHERE {VIEW_LCP} "
            f"GROUP BY ALL ORDER BY device_type, bucket"], a.runs, 1, env),
    }

    if a.ndjson:
        runs = a.l2_runs or a.runs
        out["l2"]["ndjson_bytes"] = os.path.getsize(a.ndjson)
        r_out = os.path.join(a.workdir, "l2-rumlens.parquet")
        d_out = os.path.join(a.workdir, "l2-duckdb.parquet")

        def clean():
            for p in (r_out, d_out):
                if os.path.exists(p):
                    os.remove(p)

        out["l2"]["rumlens"] = measure("L2 rumlens convert", [a.rumlens, "convert", a.ndjson, "--out", r_out],
                                       runs, 0, env, clean)
        out["l2"]["rumlens"]["out_bytes"] = os.path.getsize(r_out)
        out["l2"]["duckdb"] = measure("L2 duckdb COPY", duck + [
            f"SET threads={th}; COPY (SELECT * FROM read_json_auto('{a.ndjson}')) TO '{d_out}' (FORMAT parquet)"],
            runs, 0, env, clean)
        out["l2"]["duckdb"]["out_bytes"] = os.path.getsize(d_out)
        clean()

    with open(a.out, "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
