// Number and time formatting. Formatting only: every statistic comes from the engine.
// Numbers use en-US grouping ("6,336") so that the UI, the CLI and the reports read alike;
// times are always UTC (the engine buckets on the UTC epoch).

/** Shown for a missing value (null, NaN, infinite). */
export const NONE = '–';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixedFmts = new Map<number, Intl.NumberFormat>();
function fixed(digits: number): Intl.NumberFormat {
  let f = fixedFmts.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixedFmts.set(digits, f);
  }
  return f;
}

function ok(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** An integer count with thousands separators: 6336 → "6,336". */
export function fmtInt(n: number | null | undefined): string {
  return ok(n) ? intFmt.format(Math.round(n)) : NONE;
}

/** A number with a fixed number of decimals and separators. */
export function fmtFixed(x: number | null | undefined, digits: number): string {
  return ok(x) ? fixed(digits).format(x) : NONE;
}

/** Plain number with a precision that suits its size (3 significant digits below 100). */
export function fmtNum(x: number | null | undefined): string {
  if (!ok(x)) return NONE;
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 100) return fmtInt(x);
  if (a >= 10) return fixed(1).format(x);
  if (a >= 1) return fixed(2).format(x);
  if (a >= 0.001) return fixed(3).format(x);
  return x.toExponential(2);
}

/** Value of a metric without its unit, with the precision that suits the unit. */
export function fmtValue(x: number | null | undefined, unit: string): string {
  if (!ok(x)) return NONE;
  switch (unit) {
    case 'ms':
      return Math.abs(x) < 10 && x !== 0 ? fixed(1).format(x) : fmtInt(x);
    case 'unitless':
      return Math.abs(x) >= 10 ? fixed(1).format(x) : fixed(3).format(x);
    case 'bytes':
    case 'CSS px':
      return fmtInt(x);
    case 'Mbit/s':
      return fixed(2).format(x);
    default:
      return fmtNum(x);
  }
}

/** The unit as printed after a value ("" for unitless values). */
export function unitLabel(unit: string): string {
  switch (unit) {
    case 'unitless':
    case '':
      return '';
    case 'bytes':
      return 'B';
    case 'CSS px':
      return 'px';
    case 'UTC ms':
      return '';
    default:
      return unit;
  }
}

/** Value with its unit: 2880.4, "ms" → "2,880 ms"; 0.105, "unitless" → "0.105". */
export function fmtMetric(x: number | null | undefined, unit: string): string {
  if (!ok(x)) return NONE;
  const u = unitLabel(unit);
  return u ? `${fmtValue(x, unit)} ${u}` : fmtValue(x, unit);
}

/** Confidence interval: "[2,500–3,100]"; an unbounded side (too few samples) is "…". */
export function fmtCI(low: number | null | undefined, high: number | null | undefined, unit: string): string {
  if (!ok(low) && !ok(high)) return '[…]';
  const lo = ok(low) ? fmtValue(low, unit) : '…';
  const hi = ok(high) ? fmtValue(high, unit) : '…';
  return `[${lo}–${hi}]`;
}

/** A share (0–1) as a percentage: 0.2134 → "21.3%". */
export function fmtPct(share: number | null | undefined, digits = 1): string {
  return ok(share) ? `${fixed(digits).format(share * 100)}%` : NONE;
}

/** A signed difference with unit: "+1,234 ms", "−56 ms", "±0 ms". */
export function fmtSigned(x: number | null | undefined, unit: string): string {
  if (!ok(x)) return NONE;
  const u = unitLabel(unit);
  const body = fmtValue(Math.abs(x), unit);
  const sign = x > 0 ? '+' : x < 0 ? '−' : '±';
  return u ? `${sign}${body} ${u}` : `${sign}${body}`;
}

/** A signed relative difference: 0.153 → "+15.3%". */
export function fmtSignedPct(rel: number | null | undefined, digits = 1): string {
  if (!ok(rel)) return NONE;
  const sign = rel > 0 ? '+' : rel < 0 ? '−' : '±';
  return `${sign}${fixed(digits).format(Math.abs(rel) * 100)}%`;
}

/** Bytes in SI units: 4_300_000 → "4.3 MB". */
export function fmtBytes(n: number | null | undefined): string {
  if (!ok(n)) return NONE;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  if (i === 0) return `${fmtInt(v)} B`;
  return `${fixed(v >= 100 ? 0 : 1).format(v)} ${units[i]}`;
}

/** Throughput from bytes and milliseconds: "12.3 MB/s" (NONE while elapsed is 0). */
export function fmtThroughput(bytes: number, elapsedMs: number): string {
  if (!(elapsedMs > 0) || !ok(bytes)) return NONE;
  const mbps = bytes / 1e6 / (elapsedMs / 1000);
  return `${fixed(mbps >= 100 ? 0 : 1).format(mbps)} MB/s`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** UTC date: "2026-10-24". */
export function fmtDate(ms: number | null | undefined): string {
  if (!ok(ms)) return NONE;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** UTC date and time to the minute: "2026-10-24 09:05" (seconds when not zero). */
export function fmtDateTime(ms: number | null | undefined): string {
  if (!ok(ms)) return NONE;
  const d = new Date(ms);
  const s = d.getUTCSeconds();
  const base = `${fmtDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return s ? `${base}:${pad(s)}` : base;
}

/** As fmtDateTime with the zone spelled out: "2026-10-24 09:05 UTC". */
export function fmtDateTimeUtc(ms: number | null | undefined): string {
  return ok(ms) ? `${fmtDateTime(ms)} UTC` : NONE;
}

/** Label of a time bucket: the date for buckets of a day or more, date and time otherwise. */
export function fmtBucket(ms: number, widthMs: number): string {
  return widthMs >= 86_400_000 && ms % 86_400_000 === 0 ? fmtDate(ms) : fmtDateTime(ms);
}

/** A bucket width: 3_600_000 → "1 h", 86_400_000 → "1 d", 300_000 → "5 min". */
export function fmtWidth(ms: number): string {
  const units: [number, string][] = [
    [7 * 86_400_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [u, name] of units) {
    if (ms >= u && ms % u === 0) return `${ms / u} ${name}`;
  }
  return `${fmtInt(ms)} ms`;
}

/** A duration for humans: 850 → "850 ms", 12_400 → "12.4 s", 125_000 → "2 min 5 s", 3_900_000 → "1 h 5 min". */
export function fmtDuration(ms: number | null | undefined): string {
  if (!ok(ms)) return NONE;
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1000) return `${sign}${fmtInt(a)} ms`;
  if (a < 60_000) return `${sign}${fixed(1).format(a / 1000)} s`;
  const totalS = Math.round(a / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return `${sign}${m} min${s ? ` ${s} s` : ''}`;
  }
  const totalM = Math.round(a / 60_000);
  if (totalM < 24 * 60) {
    const h = Math.floor(totalM / 60);
    const m = totalM % 60;
    return `${sign}${h} h${m ? ` ${m} min` : ''}`;
  }
  const totalH = Math.round(a / 3_600_000);
  const d = Math.floor(totalH / 24);
  const h = totalH % 24;
  return `${sign}${d} d${h ? ` ${h} h` : ''}`;
}

/** Epoch ms → value of an `<input type="datetime-local">` read as UTC: "2026-10-24T09:05". */
export function toUtcInput(ms: number | null | undefined): string {
  if (!ok(ms)) return '';
  const d = new Date(ms);
  return `${fmtDate(ms)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Value of a datetime-local input read as UTC → epoch ms (null when empty or invalid). */
export function fromUtcInput(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se);
  return Number.isFinite(ms) ? ms : null;
}

/** RFC 3339 as the engine prints times in filter descriptions: "2026-10-24T09:00:00Z". */
export function fmtRfc3339(ms: number): string {
  const d = new Date(ms);
  return `${fmtDate(ms)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** Shorten a long string for a table cell (the full text goes in a title attribute). */
export function ellipsis(s: string | null | undefined, max = 80): string {
  if (s === null || s === undefined) return NONE;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
