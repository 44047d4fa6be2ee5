#!/usr/bin/env python3
"""Larger than memory: Q1-Q4 through the rumlens CLI on a Parquet directory it streams.

Usage: scale.py --rumlens BIN --dir RAW_DIR --events N --out scale.json [--runs 1] [--limit-gb 8]

Each query is one `rumlens` process over the raw (not enriched) shards: the CLI opens the
directory lazily, checks rows and enriches on the fly, and answers on Polars' streaming engine.
Wall time is measured around the process, peak RSS with `/usr/bin/time -f %M`.
  Q1  breakdown --metric lcp --by device_type,browser
  Q2  trend --metric lcp --bucket 1h --by device_type
  Q3  errors --limit 50 --by page_group
  Q4  breakdown of lcp, inp and cls --by release,region (three processes; the slowest and
      the largest are reported)
Exits 1 when a query fails or its peak RSS exceeds --limit-gb.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time


def run(cmd, env=None):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = (time.perf_counter() - t) * 1000.0
        lines = tf.read().strip().splitlines()
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return p.returncode, wall, rss, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rumlens", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--limit-gb", type=float, default=8.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    q = {
        "Q1": [["breakdown", a.dir, "--metric", "lcp", "--by", "device_type,browser", "--format", "csv"]],
        "Q2": [["trend", a.dir, "--metric", "lcp", "--bucket", "1h", "--by", "device_type", "--format", "csv"]],
        "Q3": [["errors", a.dir, "--limit", "50", "--by", "page_group", "--format", "csv"]],
        "Q4": [["breakdown", a.dir, "--metric", m, "--by", "release,region", "--format", "csv"]
               for m in ("lcp", "inp", "cls")],
    }
    results, ok = {}, True
    for name, cmds in q.items():
        walls, rss, rows = [], 0, 0
        for args in cmds:
            best = None
            for _ in range(max(1, a.runs)):
                code, wall, kib, out, err = run([a.rumlens] + args)
                if code != 0:
                    print(f"scale: {name} failed ({code}): {' '.join(args)}\n{err[-2000:]}", file=sys.stderr)
                    ok = False
                    break
                best = wall if best is None else min(best, wall)
                rss = max(rss, kib)
                rows = max(rows, len(out.splitlines()) - 1)
            if best is not None:
                walls.append(best)
        total = sum(walls)
        within = rss / 1048576.0 <= a.limit_gb
        ok = ok and within and len(walls) == len(cmds)
        results[name] = {"wall_ms": total, "per_process_ms": walls, "peak_rss_kib": rss, "rows": rows,
                         "within_limit": within}
        print(f"scale: {name}: {total / 1000:.1f} s, peak RSS {rss / 1048576:.2f} GiB, {rows} rows"
              f"{'' if within else ' (over the limit)'}", file=sys.stderr)
    doc = {"events": a.events, "dir": a.dir, "limit_gb": a.limit_gb, "queries": results, "ok": ok}
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"| query | wall s | peak RSS GiB | rows |\n|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['wall_ms'] / 1000:.1f} | {r['peak_rss_kib'] / 1048576:.2f} | {r['rows']} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
