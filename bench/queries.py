#!/usr/bin/env python3
"""The benchmark suite written for DuckDB (SQL) and for Python Polars, over the enriched Parquet.

Usage: queries.py --engine duckdb|polars --parquet ENRICHED.parquet --out RESULT.json
                  [--runs 5] [--warmup 1] [--threads 2] [--filters rumlens.json]

Loads the file into memory once per L1 run (DuckDB: CREATE TABLE t AS SELECT * FROM
read_parquet(...); Polars: pl.read_parquet), then times Q1-Q6 on the in-memory data (warm-up runs,
then `--runs` timed runs) and writes the times and the numbers each query returned, in the shape
`rumlens-bench` writes them, for bench/report.py to compare. Each engine runs in its own process so
that its peak RSS (getrusage ru_maxrss) is its own.

The queries compute what the rumlens engine computes for the issue's question (see
docs/benchmarks.md for the differences):
  Q1  n and p75 of lcp_ms (view events, not null / NaN) by device_type x browser
  Q1* the same groups with every number `rumlens breakdown` computes: p50 p75 p90 p95 p99, mean,
      the order-statistic 95% interval of p75, and the good / poor CWV shares
  Q2  n and p75 of lcp_ms per (floor(ts_ms / 3600000) * 3600000, device_type)
  Q3  the 50 most frequent (fingerprint, page_group) among error events, with distinct sessions
  Q3b the 50 most frequent fingerprints (no split), with distinct sessions
  Q4  n, p50, p75, p95 of lcp_ms, inp_ms and cls by release x region
  Q5  ordered 5-step funnel over each session's page views (earliest match after the previous
      step; ties in time broken by row order): sessions per step, median and p75 time between steps
  Q6  60 log-spaced bins of lcp_ms from the smallest positive value to the largest, counts,
      underflow and overflow
Percentiles are linear interpolation (DuckDB quantile_cont, Polars quantile(p, "linear")).
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

Z95 = 1.959_963_984_540_054
STEPS = ["/", "/product/:id", "/cart", "/checkout", "/confirmation"]
BINS = 60
VIEW_METRIC = "event_type = 'view' AND {m} IS NOT NULL AND NOT isnan({m})"


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(warmup, runs, fn):
    for _ in range(warmup):
        fn()
    times, out = [], None
    for _ in range(max(runs, 1)):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000.0)
    return times, out


def q6_edges(lo, hi):
    """hist::edges, computed the same way (f64 ln / exp from the C library)."""
    return [math.exp(math.log(lo) + (i / BINS) * (math.log(hi) - math.log(lo))) for i in range(BINS + 1)]


# ---------------------------------------------------------------------------------------- DuckDB


class Duck:
    name = "duckdb"

    def __init__(self, threads):
        import duckdb

        self.version = duckdb.__version__
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {threads}")

    def load(self, path):
        self.con.execute("DROP TABLE IF EXISTS t")
        self.con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")

    def rows(self, sql, params=None):
        return self.con.execute(sql, params or []).fetchall()

    def q1(self, where="", params=None):
        return self.rows(
            f"""SELECT device_type, browser, count(*) AS n, quantile_cont(lcp_ms, 0.75) AS p75
                FROM t WHERE {VIEW_METRIC.format(m='lcp_ms')} {where} GROUP BY ALL""",
            params,
        )

    def q1_full(self):
        return self.rows(
            f"""WITH g AS (
                  SELECT device_type, browser, count(*) AS n,
                         quantile_cont(lcp_ms, [0.5, 0.75, 0.9, 0.95, 0.99]) AS q, avg(lcp_ms) AS mean,
                         avg((lcp_ms <= 2500)::DOUBLE) AS good, avg((lcp_ms > 4000)::DOUBLE) AS poor,
                         list(lcp_ms ORDER BY lcp_ms) AS sorted
                  FROM t WHERE {VIEW_METRIC.format(m='lcp_ms')} GROUP BY ALL),
                r AS (SELECT *, floor(n * 0.75 - {Z95} * sqrt(n * 0.1875))::BIGINT AS lo_rank,
                                ceil(n * 0.75 + {Z95} * sqrt(n * 0.1875))::BIGINT + 1 AS hi_rank FROM g)
                SELECT device_type, browser, n, q[1], q[2], q[3], q[4], q[5], mean,
                       CASE WHEN lo_rank BETWEEN 1 AND n THEN sorted[lo_rank] END,
                       CASE WHEN hi_rank BETWEEN 1 AND n THEN sorted[hi_rank] END, good, poor
                FROM r"""
        )

    def q2(self):
        return self.rows(
            f"""SELECT (epoch_ms(ts) // 3600000) * 3600000 AS bucket_ms, device_type, count(*) AS n,
                       quantile_cont(lcp_ms, 0.75) AS p75
                FROM t WHERE {VIEW_METRIC.format(m='lcp_ms')} GROUP BY ALL"""
        )

    Q3 = """SELECT coalesce(fingerprint, '(no fingerprint)') AS fingerprint, page_group, count(*) AS count,
                   count(DISTINCT session_id) AS sessions
            FROM t WHERE event_type = 'error' GROUP BY ALL"""

    def q3(self):
        return self.rows(self.Q3 + " ORDER BY count DESC, fingerprint, page_group NULLS LAST LIMIT 50")

    def q3_all(self):
        return self.rows(self.Q3)

    def q3b(self):
        return self.rows(
            """SELECT coalesce(fingerprint, '(no fingerprint)') AS fingerprint, NULL AS page_group,
                      count(*) AS count, count(DISTINCT session_id) AS sessions
               FROM t WHERE event_type = 'error' GROUP BY 1 ORDER BY count DESC, fingerprint LIMIT 50"""
        )

    def q4(self):
        parts = []
        for m in ["lcp_ms", "inp_ms", "cls"]:
            f = f"FILTER (WHERE NOT isnan({m}))"
            parts.append(f"count({m}) {f}, quantile_cont({m}, [0.5, 0.75, 0.95]) {f}")
        return self.rows(
            f"SELECT release, region, {', '.join(parts)} FROM t WHERE event_type = 'view' GROUP BY ALL"
        )

    def q5(self):
        steps = ", ".join(f"'{s}'" for s in STEPS)
        ctes = [
            f"""v AS (SELECT session_id AS s, epoch_ms(ts) AS t, rowid AS r, page_group AS p FROM t
                      WHERE event_type = 'view' AND session_id IS NOT NULL AND page_group IN ({steps}))""",
            f"s1 AS (SELECT s, min({{'t': t, 'r': r}}) AS k FROM v WHERE p = '{STEPS[0]}' GROUP BY s)",
        ]
        for i, step in enumerate(STEPS[1:], start=2):
            ctes.append(
                f"""s{i} AS (SELECT v.s, min({{'t': v.t, 'r': v.r}}) AS k, any_value(s{i-1}.k.t) AS prev
                          FROM v JOIN s{i-1} USING (s)
                          WHERE v.p = '{step}' AND {{'t': v.t, 'r': v.r}} > s{i-1}.k GROUP BY v.s)"""
            )
        sel = ["SELECT 1 AS step, count(*), NULL::DOUBLE, NULL::DOUBLE FROM s1"]
        for i in range(2, len(STEPS) + 1):
            d = f"(k.t - prev)::DOUBLE"
            sel.append(f"SELECT {i}, count(*), quantile_cont({d}, 0.5), quantile_cont({d}, 0.75) FROM s{i}")
        return self.rows("WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(sel) + " ORDER BY step")

    def q6(self):
        return self.rows(
            f"""WITH v AS (SELECT lcp_ms AS x FROM t WHERE {VIEW_METRIC.format(m='lcp_ms')}),
                 r AS (SELECT min(x) FILTER (WHERE x > 0) AS lo, max(x) AS m, count(*) AS n FROM v),
                 r2 AS (SELECT lo, CASE WHEN m > lo THEN m ELSE lo + greatest(1.0, abs(lo) * 1e-9) END AS hi, n FROM r),
                 e AS (SELECT any_value(lo) AS lo, any_value(hi) AS hi, any_value(n) AS n,
                              list(exp(ln(lo) + (i::DOUBLE / {BINS}) * (ln(hi) - ln(lo))) ORDER BY i) AS edges
                       FROM r2, range({BINS + 1}) g(i)),
                 g AS (SELECT x, lo, hi, edges,
                              least(greatest(floor((ln(greatest(x, lo)) - ln(lo)) / (ln(hi) - ln(lo)) * {BINS})::INTEGER, 0), {BINS - 1}) AS guess
                       FROM v, e),
                 b AS (SELECT CASE WHEN x < lo THEN -1 WHEN x > hi THEN {BINS}
                                   WHEN x < edges[guess + 1] THEN greatest(guess - 1, 0)
                                   WHEN guess < {BINS - 1} AND x >= edges[guess + 2] THEN guess + 1
                                   ELSE guess END AS bin FROM g)
            SELECT bin, count(*), any_value(e.lo), any_value(e.hi), any_value(e.n), any_value(e.edges)
            FROM b, e GROUP BY bin ORDER BY bin"""
        )

    def funnel_ties(self):
        steps = ", ".join(f"'{s}'" for s in STEPS)
        return self.rows(
            f"""SELECT count(*) FROM (SELECT session_id, ts FROM t WHERE event_type = 'view'
                AND session_id IS NOT NULL AND page_group IN ({steps}) GROUP BY ALL HAVING count(*) > 1)"""
        )[0][0]

    def q1_filtered(self, filt):
        where = "".join(f" AND {c} = ?" for c in filt)
        return self.q1(where, list(filt.values()))


# ---------------------------------------------------------------------------------------- Polars


class Pol:
    name = "polars"

    def __init__(self, threads):
        import polars as pl

        self.pl = pl
        self.version = pl.__version__
        self.df = None

    def load(self, path):
        self.df = None
        self.df = self.pl.read_parquet(path)

    def views(self, m):
        pl = self.pl
        return self.df.lazy().filter(
            (pl.col("event_type") == "view") & pl.col(m).is_not_null() & pl.col(m).is_not_nan()
        )

    def q1(self, filt=None):
        pl = self.pl
        lf = self.views("lcp_ms")
        for c, v in (filt or {}).items():
            lf = lf.filter(pl.col(c) == v)
        return (
            lf.group_by("device_type", "browser")
            .agg(n=pl.len(), p75=pl.col("lcp_ms").quantile(0.75, "linear"))
            .collect()
            .rows()
        )

    def q1_full(self):
        pl = self.pl
        x = pl.col("lcp_ms")
        n = pl.len().cast(pl.Float64)
        sd = (n * 0.1875).sqrt()

        def order_stat(rank):
            idx = (rank - 1).clip(0, n - 1).cast(pl.UInt32)
            return pl.when((rank >= 1) & (rank <= n)).then(x.sort().get(idx)).otherwise(None)

        return (
            self.views("lcp_ms")
            .group_by("device_type", "browser")
            .agg(
                pl.len().alias("n"),
                *[x.quantile(p, "linear").alias(f"p{p}") for p in (0.5, 0.75, 0.9, 0.95, 0.99)],
                x.mean().alias("mean"),
                order_stat((n * 0.75 - Z95 * sd).floor()).alias("ci_lo"),
                order_stat((n * 0.75 + Z95 * sd).ceil() + 1).alias("ci_hi"),
                (x <= 2500).cast(pl.Float64).mean().alias("good"),
                (x > 4000).cast(pl.Float64).mean().alias("poor"),
            )
            .collect()
            .rows()
        )

    def q2(self):
        pl = self.pl
        return (
            self.views("lcp_ms")
            .group_by(
                ((pl.col("ts").dt.epoch("ms") // 3_600_000) * 3_600_000).alias("bucket_ms"), "device_type"
            )
            .agg(n=pl.len(), p75=pl.col("lcp_ms").quantile(0.75, "linear"))
            .collect()
            .rows()
        )

    def q3_lazy(self):
        pl = self.pl
        return (
            self.df.lazy()
            .filter(pl.col("event_type") == "error")
            .group_by(pl.col("fingerprint").fill_null("(no fingerprint)"), "page_group")
            .agg(count=pl.len(), sessions=pl.col("session_id").drop_nulls().n_unique())
        )

    def q3(self):
        return (
            self.q3_lazy()
            .sort(["count", "fingerprint", "page_group"], descending=[True, False, False], nulls_last=True)
            .head(50)
            .collect()
            .rows()
        )

    def q3_all(self):
        return self.q3_lazy().collect().rows()

    def q3b(self):
        pl = self.pl
        return (
            self.df.lazy()
            .filter(pl.col("event_type") == "error")
            .group_by(pl.col("fingerprint").fill_null("(no fingerprint)"))
            .agg(page_group=pl.lit(None, pl.String), count=pl.len(), sessions=pl.col("session_id").drop_nulls().n_unique())
            .sort(["count", "fingerprint"], descending=[True, False])
            .head(50)
            .collect()
            .rows()
        )

    def q4(self):
        pl = self.pl
        aggs = []
        for m in ["lcp_ms", "inp_ms", "cls"]:
            x = pl.col(m).filter(pl.col(m).is_not_nan())
            aggs += [x.count().alias(f"{m}_n")] + [
                x.quantile(p, "linear").alias(f"{m}_{p}") for p in (0.5, 0.75, 0.95)
            ]
        return (
            self.df.lazy()
            .filter(pl.col("event_type") == "view")
            .group_by("release", "region")
            .agg(aggs)
            .collect()
            .rows()
        )

    def q5(self):
        pl = self.pl
        v = (
            self.df.lazy()
            .with_row_index("r")
            .filter(
                (pl.col("event_type") == "view")
                & pl.col("session_id").is_not_null()
                & pl.col("page_group").is_in(STEPS)
            )
            .select(s="session_id", t=pl.col("ts").dt.epoch("ms"), r="r", p="page_group")
            .collect()
        )

        def first(frame):
            # Earliest (t, r) per session.
            return frame.group_by("s").agg(
                t=pl.col("t").min(), r=pl.col("r").filter(pl.col("t") == pl.col("t").min()).min()
            )

        prev = first(v.filter(pl.col("p") == STEPS[0]))
        out = [(1, prev.height, None, None)]
        for i, step in enumerate(STEPS[1:], start=2):
            cand = (
                v.filter(pl.col("p") == step)
                .join(prev.rename({"t": "t0", "r": "r0"}), on="s")
                .filter((pl.col("t") > pl.col("t0")) | ((pl.col("t") == pl.col("t0")) & (pl.col("r") > pl.col("r0"))))
            )
            cur = cand.group_by("s").agg(
                t=pl.col("t").min(),
                r=pl.col("r").filter(pl.col("t") == pl.col("t").min()).min(),
                d=(pl.col("t").min() - pl.col("t0").first()).cast(pl.Float64),
            )
            q = cur.select(
                pl.col("d").quantile(0.5, "linear").alias("m"), pl.col("d").quantile(0.75, "linear").alias("p")
            ).row(0)
            out.append((i, cur.height, q[0], q[1]))
            prev = cur.select("s", "t", "r")
        return out

    def q6(self):
        pl = self.pl
        x = self.views("lcp_ms").select(pl.col("lcp_ms").alias("x")).collect()["x"]
        lo = x.filter(x > 0).min()
        lo = 1.0 if lo is None else lo
        hi = x.max()
        hi = hi if hi > lo else lo + max(1.0, abs(lo) * 1e-9)
        edges = q6_edges(lo, hi)
        inside = x.filter((x >= lo) & (x <= hi))
        # Bins are [e_i, e_i+1), the last one closed: index = (number of edges <= x) - 1, clamped.
        idx = (pl.Series(edges).search_sorted(inside, side="right").cast(pl.Int64) - 1).clip(0, BINS - 1)
        counts = idx.value_counts().rows()
        under = int((x < lo).sum())
        over = int((x > hi).sum())
        return {"n": x.len(), "lo": lo, "hi": hi, "edges": edges, "counts": counts, "underflow": under, "overflow": over}

    def funnel_ties(self):
        pl = self.pl
        return (
            self.df.lazy()
            .filter(
                (pl.col("event_type") == "view")
                & pl.col("session_id").is_not_null()
                & pl.col("page_group").is_in(STEPS)
            )
            .group_by("session_id", "ts")
            .len()
            .filter(pl.col("len") > 1)
            .collect()
            .height
        )

    def q1_filtered(self, filt):
        return self.q1(filt)


# ------------------------------------------------------------------------------- results shaping


def bd_rows(rows, stats):
    """(k1, k2, n, stat...) tuples to the rumlens-bench shape."""
    out = []
    for r in rows:
        o = {"keys": [r[0], r[1]], "n": r[2]}
        o.update({s: v for s, v in zip(stats, r[3:])})
        out.append(o)
    return out


def shape(engine, res):
    out = {}
    if "Q1" in res:
        out["Q1"] = bd_rows(res["Q1"], ["p75"])
    if "Q1*" in res:
        out["Q1*"] = bd_rows(
            res["Q1*"], ["p50", "p75", "p90", "p95", "p99", "mean", "ci_lo", "ci_hi", "good", "poor"]
        )
    if "Q2" in res:
        out["Q2"] = {"points": [{"bucket_ms": b, "key": k, "n": n, "p75": p} for b, k, n, p in res["Q2"]]}
    if "Q3" in res:
        out["Q3"] = {
            "hotspots": [{"fingerprint": f, "page_group": g, "count": c, "sessions": s} for f, g, c, s in res["Q3"]],
            "all": [{"fingerprint": f, "page_group": g, "count": c, "sessions": s} for f, g, c, s in res["Q3all"]],
        }
    if "Q3b" in res:
        out["Q3b"] = {
            "hotspots": [{"fingerprint": f, "page_group": g, "count": c, "sessions": s} for f, g, c, s in res["Q3b"]]
        }
    if "Q4" in res:
        q4 = {"lcp": [], "inp": [], "cls": []}
        for row in res["Q4"]:
            keys, vals = [row[0], row[1]], row[2:]
            for i, m in enumerate(["lcp", "inp", "cls"]):
                if engine == "duckdb":
                    n, q = vals[2 * i], vals[2 * i + 1]
                    q = q or [None, None, None]
                else:
                    n, q = vals[4 * i], vals[4 * i + 1 : 4 * i + 4]
                if n:
                    q4[m].append({"keys": keys, "n": n, "p50": q[0], "p75": q[1], "p95": q[2]})
        out["Q4"] = q4
    if "Q5" in res:
        out["Q5"] = [
            {"step": s, "label": STEPS[s - 1], "sessions": n, "median_time_ms": m, "p75_time_ms": p}
            for s, n, m, p in res["Q5"]
        ]
    if "Q6" in res:
        if engine == "duckdb":
            rows = res["Q6"]
            counts = [0] * BINS
            under = over = 0
            lo = hi = n = edges = None
            for b, c, lo, hi, n, edges in rows:
                if b == -1:
                    under = c
                elif b == BINS:
                    over = c
                else:
                    counts[b] = c
            out["Q6"] = {"n": n, "lo": lo, "hi": hi, "edges": edges, "counts": counts, "underflow": under, "overflow": over}
        else:
            h = dict(res["Q6"])
            counts = [0] * BINS
            for b, c in h.pop("counts"):
                counts[b] = c
            h["counts"] = counts
            out["Q6"] = h
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["duckdb", "polars"], required=True)
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--load-runs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("POLARS_MAX_THREADS", "2")))
    ap.add_argument("--filters", help="rumlens-bench JSON whose interactive filters to replay")
    a = ap.parse_args()

    eng = Duck(a.threads) if a.engine == "duckdb" else Pol(a.threads)
    timings, res = {}, {}
    load_times = []
    for _ in range(a.load_runs or a.runs):
        t = time.perf_counter()
        eng.load(a.parquet)
        load_times.append((time.perf_counter() - t) * 1000.0)
    timings["L1"] = load_times
    print(f"{eng.name}: L1 load of {a.parquet}: median {statistics.median(load_times):.0f} ms", file=sys.stderr)

    suite = [("Q1", eng.q1), ("Q1*", eng.q1_full), ("Q2", eng.q2), ("Q3", eng.q3), ("Q3b", eng.q3b),
             ("Q4", eng.q4),
             ("Q5", eng.q5), ("Q6", eng.q6)]
    for name, fn in suite:
        timings[name], res[name] = timed(a.warmup, a.runs, fn)
        print(f"{eng.name}: {name}: median {statistics.median(timings[name]):.1f} ms", file=sys.stderr)
    # Untimed: every Q3 group (to check ties at the top-50 cut) and the funnel's equal timestamps.
    res["Q3all"] = eng.q3_all()
    ties = eng.funnel_ties()

    interactive = None
    if a.filters:
        with open(a.filters) as f:
            runs = (json.load(f).get("interactive") or {}).get("runs") or []
        eng.q1()
        times = []
        for r in runs:
            t = time.perf_counter()
            eng.q1_filtered(r["filter"])
            times.append((time.perf_counter() - t) * 1000.0)
        if times:
            s = sorted(times)

            def q(p):
                h = (len(s) - 1) * p
                return s[int(math.floor(h))] + (h - math.floor(h)) * (s[int(math.ceil(h))] - s[int(math.floor(h))])

            interactive = {"p50_ms": q(0.5), "p95_ms": q(0.95), "max_ms": s[-1], "times_ms": times}

    out = {
        "engine": eng.name,
        "version": eng.version,
        "threads": a.threads,
        "parquet": a.parquet,
        "runs": a.runs,
        "warmup": a.warmup,
        "median_ms": {k: statistics.median(v) for k, v in timings.items()},
        "timings_ms": timings,
        "interactive": interactive,
        "funnel_equal_ts_pairs": ties,
        "peak_rss_kib": peak_rss_kib(),
        "results": shape(eng.name, res),
    }
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"{eng.name}: peak RSS {out['peak_rss_kib'] / 1024:.0f} MiB; wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
