// Pure operations on the engine's Filter (bindings/Filter.ts). Each returns a new Filter and
// never mutates its argument. One DimFilter per column at most.
import type { DimFilter } from './bindings/DimFilter';
import type { Filter } from './bindings/Filter';
import { fmtRfc3339 } from './format';

export function emptyFilter(): Filter {
  return { dims: [], from_ms: null, to_ms: null, ranges: [] };
}

export function isEmptyFilter(f: Filter): boolean {
  return f.dims.length === 0 && f.from_ms === null && f.to_ms === null && f.ranges.length === 0;
}

function copy(f: Filter): Filter {
  return {
    dims: f.dims.map((d) => ({ column: d.column, values: [...d.values], negate: d.negate })),
    from_ms: f.from_ms,
    to_ms: f.to_ms,
    ranges: f.ranges.map((r) => ({ ...r })),
  };
}

/** The column's dimension filter, if any. */
export function dimOf(f: Filter, column: string): DimFilter | undefined {
  return f.dims.find((d) => d.column === column);
}

/** Replace (or with `null`, remove) the filter of a column, keeping the chips' order stable. */
function setDim(f: Filter, column: string, d: DimFilter | null): Filter {
  const out = copy(f);
  const i = out.dims.findIndex((x) => x.column === column);
  if (d === null || d.values.length === 0) {
    if (i >= 0) out.dims.splice(i, 1);
  } else if (i >= 0) {
    out.dims[i] = d;
  } else {
    out.dims.push(d);
  }
  return out;
}

/**
 * Include `value` of `column`: added to the column's include list; an exclude filter on the
 * column is replaced by `column = value`.
 */
export function include(f: Filter, column: string, value: string): Filter {
  const d = dimOf(f, column);
  if (!d || d.negate) return setDim(f, column, { column, values: [value], negate: false });
  if (d.values.includes(value)) return copy(f);
  return setDim(f, column, { column, values: [...d.values, value], negate: false });
}

/**
 * Exclude `value` of `column`: added to the column's exclude list; an include filter on the
 * column is replaced by `column ≠ value`.
 */
export function exclude(f: Filter, column: string, value: string): Filter {
  const d = dimOf(f, column);
  if (!d || !d.negate) return setDim(f, column, { column, values: [value], negate: true });
  if (d.values.includes(value)) return copy(f);
  return setDim(f, column, { column, values: [...d.values, value], negate: true });
}

/** Tick / untick a value in the chip menu, keeping the column's include/exclude mode. */
export function toggleValue(f: Filter, column: string, value: string, negate = dimOf(f, column)?.negate ?? false): Filter {
  const d = dimOf(f, column);
  const values = d ? [...d.values] : [];
  const i = values.indexOf(value);
  if (i >= 0) values.splice(i, 1);
  else values.push(value);
  return setDim(f, column, { column, values, negate });
}

/** Switch a column's filter between include (`=`) and exclude (`≠`), keeping its values. */
export function setNegate(f: Filter, column: string, negate: boolean): Filter {
  const d = dimOf(f, column);
  if (!d) return copy(f);
  return setDim(f, column, { ...d, values: [...d.values], negate });
}

/** Drill down: the column's filter becomes exactly `column = value`. */
export function only(f: Filter, column: string, value: string): Filter {
  return setDim(f, column, { column, values: [value], negate: false });
}

/** Remove the filter of one column. */
export function clearColumn(f: Filter, column: string): Filter {
  return setDim(f, column, null);
}

/** Set the time range: from inclusive, to exclusive, epoch ms UTC; null for open ends. */
export function setTimeRange(f: Filter, from_ms: number | null, to_ms: number | null): Filter {
  const out = copy(f);
  out.from_ms = from_ms === null ? null : Math.floor(from_ms);
  out.to_ms = to_ms === null ? null : Math.ceil(to_ms);
  return out;
}

export function clearTime(f: Filter): Filter {
  return setTimeRange(f, null, null);
}

/** Both filters at once (AND): dimension and range filters of both, the intersection of the time ranges. */
export function intersect(a: Filter, b: Filter): Filter {
  const pick = (x: number | null, y: number | null, fn: (p: number, q: number) => number) =>
    x === null ? y : y === null ? x : fn(x, y);
  return {
    dims: [...copy(a).dims, ...copy(b).dims],
    from_ms: pick(a.from_ms, b.from_ms, Math.max),
    to_ms: pick(a.to_ms, b.to_ms, Math.min),
    ranges: [...copy(a).ranges, ...copy(b).ranges],
  };
}

/** Same text as the engine's `Filter::describe` ("none" when empty). */
export function describeFilter(f: Filter): string {
  const parts: string[] = [];
  for (const d of f.dims) parts.push(`${d.column}${d.negate ? '≠' : '='}${d.values.join('|')}`);
  if (f.from_ms !== null) parts.push(`ts≥${fmtRfc3339(f.from_ms)}`);
  if (f.to_ms !== null) parts.push(`ts<${fmtRfc3339(f.to_ms)}`);
  for (const r of f.ranges) {
    if (r.min !== null) parts.push(`${r.column}${r.min_exclusive ? '>' : '≥'}${r.min}`);
    if (r.max !== null) parts.push(`${r.column}${r.max_exclusive ? '<' : '≤'}${r.max}`);
  }
  return parts.length ? parts.join(', ') : 'none';
}
