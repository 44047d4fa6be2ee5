#!/usr/bin/env python3
"""Compare the numbers of rumlens, DuckDB and Python Polars and print the benchmark table.

Usage: report.py --rumlens R.json --duckdb D.json --polars P.json [--procs C.json] [--md OUT.md]
                 [--header TEXT]

Every number the engines have in common is compared: counts exactly, floating-point values to
1e-6 relative. Mismatches are printed with their query and key. Exit status: 1 when any number
differs (or a query's result is missing), 2 when a rumlens query failed but every number that
could be compared is equal, 0 otherwise.
"""
import argparse
import json
import sys

REL = 1e-6


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) <= REL * max(abs(a), abs(b))


class Check:
    def __init__(self, other):
        self.other = other
        self.bad = {}
        self.checked = {}

    def miss(self, q, msg):
        self.bad.setdefault(q, []).append(msg)

    def count(self, q, k, a, b):
        self.checked[q] = self.checked.get(q, 0) + 1
        if a != b:
            self.miss(q, f"{k}: rumlens {a} vs {self.other} {b}")

    def num(self, q, k, a, b):
        self.checked[q] = self.checked.get(q, 0) + 1
        if not close(a, b):
            self.miss(q, f"{k}: rumlens {a!r} vs {self.other} {b!r}")


def keyed(rows, key):
    out = {}
    for r in rows:
        out[key(r)] = r
    return out


def cmp_rows(c, q, ours, theirs, key, counts, nums):
    a, b = keyed(ours, key), keyed(theirs, key)
    for k in sorted(set(a) | set(b), key=repr):
        if k not in a or k not in b:
            c.miss(q, f"{k}: only in {'rumlens' if k in a else c.other}")
            continue
        for f in counts:
            c.count(q, f"{k} {f}", a[k][f], b[k][f])
        for f in nums:
            c.num(q, f"{k} {f}", a[k][f], b[k][f])


def cmp_hotspots(c, q, ours, theirs, everything=None):
    """Top-N lists: the same counts in the same order; the same groups except where the engines
    break a tie at the cut differently (then the rumlens group must exist with equal numbers)."""
    key = lambda h: (h["fingerprint"], h["page_group"])  # noqa: E731
    oc = [h["count"] for h in ours]
    tc = [h["count"] for h in theirs]
    if oc != tc:
        c.miss(q, f"count sequence differs: rumlens {oc[:10]}... vs {c.other} {tc[:10]}...")
    cut = tc[-1] if tc else None
    b = keyed(theirs, key)
    allb = keyed(everything, key) if everything is not None else b
    for h in ours:
        k = key(h)
        t = b.get(k)
        if t is None and h["count"] == cut:
            t = allb.get(k)  # a tie at the cut: look the group up among all groups
        if t is None:
            c.miss(q, f"{k}: only in rumlens")
            continue
        c.count(q, f"{k} count", h["count"], t["count"])
        c.count(q, f"{k} sessions", h["sessions"], t["sessions"])


def compare(r, o, name):
    c = Check(name)
    rr, oo = r["results"], o["results"]
    failed = r.get("failures") or {}
    for q in ["Q1", "Q1*", "Q2", "Q3", "Q3b", "Q4", "Q5", "Q6"]:
        if q in failed:
            continue  # reported separately
        if q not in rr or q not in oo:
            if q in rr or q in oo:
                c.miss(q, f"no result from {'rumlens' if q not in rr else name}")
            continue
        a, b = rr[q], oo[q]
        bd_key = lambda x: tuple(x["keys"])  # noqa: E731
        if q == "Q1":
            cmp_rows(c, q, a, b, bd_key, ["n"], ["p75"])
        elif q == "Q1*":
            cmp_rows(c, q, a, b, bd_key, ["n"],
                     ["p50", "p75", "p90", "p95", "p99", "mean", "ci_lo", "ci_hi", "good", "poor"])
        elif q == "Q2":
            cmp_rows(c, q, a["points"], b["points"], lambda x: (x["bucket_ms"], x["key"]), ["n"], ["p75"])
        elif q == "Q3":
            cmp_hotspots(c, q, a["hotspots"], b["hotspots"], b.get("all"))
        elif q == "Q3b":
            cmp_hotspots(c, q, a["hotspots"], b["hotspots"])
        elif q == "Q4":
            for m in ["lcp", "inp", "cls"]:
                cmp_rows(c, q, a[m], b[m], lambda x, m=m: (m,) + tuple(x["keys"]), ["n"], ["p50", "p75", "p95"])
        elif q == "Q5":
            cmp_rows(c, q, a, b, lambda x: x["step"], ["sessions"], ["median_time_ms", "p75_time_ms"])
        elif q == "Q6":
            for f in ["n", "underflow", "overflow"]:
                c.count(q, f, a[f], b[f])
            for i, (x, y) in enumerate(zip(a["edges"], b["edges"])):
                c.num(q, f"edge {i}", x, y)
            for i, (x, y) in enumerate(zip(a["counts"], b["counts"])):
                c.count(q, f"bin {i}", x, y)
            if len(a["counts"]) != len(b["counts"]):
                c.miss(q, f"{len(a['counts'])} vs {len(b['counts'])} bins")
    return c


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}"


def mib(kib):
    return f"{kib / 1024:,.0f} MiB" if kib else "—"


LABELS = {
    "L1": "L1 open + enrich into memory",
    "L1e": "L1e open the enriched file into memory",
    "Q1": "Q1 p75 LCP by device × browser",
    "Q1*": "Q1* Q1 with all breakdown columns",
    "Q2": "Q2 hourly p75 LCP by device",
    "Q3": "Q3 top-50 errors by fp × page",
    "Q3b": "Q3b top-50 errors by fp",
    "Q4": "Q4 p50/p75/p95 LCP, INP, CLS by release × region",
    "Q5": "Q5 5-step ordered funnel",
    "Q6": "Q6 LCP histogram, 60 log bins",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rumlens", required=True)
    ap.add_argument("--duckdb", required=True)
    ap.add_argument("--polars", required=True)
    ap.add_argument("--procs")
    ap.add_argument("--md")
    ap.add_argument("--header", default="")
    a = ap.parse_args()
    load = lambda p: json.load(open(p))  # noqa: E731
    r, d, p = load(a.rumlens), load(a.duckdb), load(a.polars)
    procs = load(a.procs) if a.procs else None
    cd, cp = compare(r, d, "duckdb"), compare(r, p, "polars")
    fails = r.get("failures") or {}

    lines = []
    out = lines.append
    if a.header:
        out(a.header)
        out("")
    out(f"{r['events']:,} events; median of {r['runs']} runs after {r['warmup']} warm-up; "
        f"rumlens engine vs DuckDB {d['version']} vs Python Polars {p['version']}, "
        f"{d['threads']} threads each; times in ms.")
    out("")
    out("| query | rumlens ms | DuckDB ms | Polars ms | rumlens/DuckDB | rumlens/Polars | same numbers? |")
    out("|---|---:|---:|---:|---:|---:|---|")
    rm, dm, pm = r["median_ms"], d["median_ms"], p["median_ms"]
    for q in ["L1", "L1e", "Q1", "Q1*", "Q2", "Q3", "Q3b", "Q4", "Q5", "Q6"]:
        if q not in rm and q not in fails and q not in dm:
            continue
        if q in ("L1", "L1e"):
            same = "n/a (load)"
            # DuckDB / Polars load the enriched file in both rows.
        elif q in fails:
            same = "rumlens error"
        else:
            bad = len(cd.bad.get(q, [])) + len(cp.bad.get(q, []))
            n = cd.checked.get(q, 0) + cp.checked.get(q, 0)
            same = f"yes ({n} values)" if bad == 0 else f"NO ({bad} differ)"
        rv = rm.get(q)
        label = LABELS.get(q, q)
        if q in fails:
            label += " (rumlens fails)"
        out(f"| {label} | {fmt_ms(rv) if q not in fails else 'error'} | {fmt_ms(dm.get(q))} | {fmt_ms(pm.get(q))} "
            f"| {ratio(rv, dm.get(q))} | {ratio(rv, pm.get(q))} | {same} |")
    out("")
    if procs:
        out("Whole process (CLI on the enriched Parquet; median wall time, peak RSS):")
        out("")
        out("| command | rumlens ms | DuckDB CLI ms | rumlens/DuckDB | rumlens RSS | DuckDB RSS |")
        out("|---|---:|---:|---:|---:|---:|")
        for name, v in procs["cli"].items():
            rr, dd = v["rumlens"], v["duckdb"]
            out(f"| CLI {name} | {fmt_ms(rr['median_ms'])} | {fmt_ms(dd['median_ms'])} "
                f"| {ratio(rr['median_ms'], dd['median_ms'])} | {mib(rr['peak_rss_kib'])} | {mib(dd['peak_rss_kib'])} |")
        l2 = procs.get("l2") or {}
        if l2.get("rumlens"):
            rr, dd = l2["rumlens"], l2["duckdb"]
            out(f"| L2 NDJSON ({l2['ndjson_bytes'] / 1e6:,.0f} MB) → Parquet | {fmt_ms(rr['median_ms'])} "
                f"| {fmt_ms(dd['median_ms'])} | {ratio(rr['median_ms'], dd['median_ms'])} "
                f"| {mib(rr['peak_rss_kib'])} | {mib(dd['peak_rss_kib'])} |")
        out("")
    it = r.get("interactive") or {}
    if it:
        n = len(it.get("runs") or [])
        line = (f"Interactive (Q1 under {n} random filters, 1-3 of device_type/browser/release/country): "
                f"rumlens p50 {it['p50_ms']:.1f} ms, p95 {it['p95_ms']:.1f} ms")
        for name, o in (("DuckDB", d), ("Polars", p)):
            oi = o.get("interactive")
            if oi:
                line += f"; {name} p50 {oi['p50_ms']:.1f} ms, p95 {oi['p95_ms']:.1f} ms"
        out(line + ".")
        out("")
    fb = r.get("frame_estimated_bytes")
    frame = f", in-memory frame {fb / 2**20:,.0f} MiB by Polars' estimate" if fb else ""
    out(f"Peak RSS: rumlens-bench {mib(r['peak_rss_kib'])} (resident after load {mib(r.get('rss_after_load_kib'))}{frame}); "
        f"DuckDB process {mib(d['peak_rss_kib'])}; Polars process {mib(p['peak_rss_kib'])}.")
    ties = d.get("funnel_equal_ts_pairs")
    if ties is not None:
        out(f"Funnel views sharing (session, ts) on step pages: {ties} (row order breaks those ties).")
    for q, msg in fails.items():
        out(f"rumlens {q} failed: {msg}")
    mism = [(c.other, q, m) for c in (cd, cp) for q, ms in c.bad.items() for m in ms]
    if mism:
        out("")
        out(f"MISMATCHES ({len(mism)}):")
        for other, q, m in mism[:200]:
            out(f"- {q} vs {other}: {m}")
    text = "\n".join(lines)
    print(text)
    if a.md:
        with open(a.md, "w") as f:
            f.write(text + "\n")
    sys.exit(1 if mism else 2 if fails else 0)


if __name__ == "__main__":
    main()
