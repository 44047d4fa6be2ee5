// What each view contributes to a shareable report: its current options as a report-spec
// `Section` (crates/report/src/spec.rs), plus the views' default options (so a view not open
// right now still has a section). Pure functions: the engine computes every number when the
// report runs, in the app or with `rumlens report SPEC`.
import type { Bucket } from './bindings/Bucket';
import type { DimFilter } from './bindings/DimFilter';
import type { FilterItem } from './bindings/FilterItem';
import type { FunnelMode } from './bindings/FunnelMode';
import type { Section } from './bindings/Section';
import type { Stat } from './bindings/Stat';
import { VITALS, dimLabel, metricLabel } from './columns';
import type { ViewName } from './stores/view.svelte';

// ---- default options of the views ------------------------------------------------------------

export const TREND_DEFAULTS = { metric: 'lcp_ms', stat: 'p75' as Stat, bucket: 'auto' as Bucket, by: '' };
export const BREAKDOWN_DEFAULTS = { metric: 'lcp_ms', by: ['device_type', '', ''], minN: 50 };
export const HIST_DEFAULTS = { metric: 'lcp_ms', bins: 50, log: false };
export const ERRORS_DEFAULTS = { limit: 50, by: '' };
export const FUNNEL_DEFAULTS = { mode: 'ordered' as FunnelMode, by: '' };

/** The purchase path, when the data has it. */
export const PURCHASE = ['/', '/product/:id', '/cart', '/checkout', '/confirmation'];

/** Funnel steps to start with: the purchase path's page groups present, else the first three. */
export function defaultSteps(groups: string[]): string[] {
  const known = PURCHASE.filter((s) => groups.includes(s));
  return known.length >= 2 ? known : groups.slice(0, 3);
}

/** A Compare segment to start with: `release = preferred` when present, else the `index`-th
 *  release in sort order (none when there are fewer). */
export function defaultSegment(releases: string[], preferred: string, index: number): DimFilter[] {
  if (releases.includes(preferred)) return [{ column: 'release', values: [preferred], negate: false }];
  const v = [...releases].sort()[index];
  return v === undefined ? [] : [{ column: 'release', values: [v], negate: false }];
}

// ---- view options → sections -----------------------------------------------------------------

const UNITS: [number, string][] = [
  [7 * 86_400_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
];

/** A bucket as the spec writes it: `auto`, `1d`, `6h`, `15m`… */
export function bucketSpec(b: Bucket): string {
  if (b === 'auto') return 'auto';
  const ms = Math.max(1_000, Math.round(b.ms / 1_000) * 1_000);
  for (const [u, name] of UNITS) if (ms % u === 0) return `${ms / u}${name}`;
  return `${ms / 1_000}s`;
}

/** The common fields: no own title (the report names the analysis), no section-only filters. */
const base = (): { title: null; filters: FilterItem[] } => ({ title: null, filters: [] });

/** Distinct, non-empty split columns in order (the Breakdown view's three selects). */
export function splitColumns(by: string[]): string[] {
  return by.filter((d, i) => d && by.indexOf(d) === i);
}

/** Overview: the dataset summary, then each Core Web Vital's p75 and ratings. */
export function overviewSections(): Section[] {
  return [
    { ...base(), chart: null, kind: 'summary', top: 10 },
    ...VITALS.map(
      (metric): Section => ({ ...base(), chart: 'stacked_bar', kind: 'breakdown', metric, by: [], event_type: null, min_n: 50 }),
    ),
  ];
}

export function trendSection(o: { metric: string; stat: Stat; bucket: Bucket; by: string }): Section {
  return {
    ...base(),
    chart: 'line',
    kind: 'trend',
    metric: o.metric,
    stat: o.stat,
    bucket: bucketSpec(o.bucket),
    by: o.by || null,
    event_type: null,
    ci: false,
  };
}

export function breakdownSection(o: { metric: string; by: string[]; minN: number }): Section {
  return {
    ...base(),
    chart: 'bar',
    kind: 'breakdown',
    metric: o.metric,
    by: splitColumns(o.by),
    event_type: null,
    min_n: Math.max(1, Math.floor(o.minN || 1)),
  };
}

export function histSection(o: { metric: string; bins: number; log: boolean }): Section {
  return {
    ...base(),
    chart: 'histogram',
    kind: 'hist',
    metric: o.metric,
    bins: Math.min(500, Math.max(1, Math.floor(o.bins || 50))),
    log: o.log,
    min: null,
    max: null,
    event_type: null,
  };
}

/** Errors: the hotspot bars, or the page × browser heatmap of the selected hotspot when the
 *  view shows it. */
export function errorsSection(o: { limit: number; by: string; fingerprint: string | null }): Section {
  return {
    ...base(),
    chart: o.fingerprint === null ? 'bar' : 'heatmap',
    kind: 'errors',
    limit: Math.max(1, Math.floor(o.limit || 50)),
    by: o.by || null,
    bucket: 'auto',
    fingerprint: o.fingerprint,
  };
}

export function funnelSection(o: { steps: string[]; mode: FunnelMode; by: string }): Section {
  return { ...base(), chart: 'funnel', kind: 'funnel', steps: [...o.steps], mode: o.mode, by: o.by || null };
}

/** A segment's dimension filters as text (`release=1.4.0`), `all views` when it has none. */
export function segmentLabel(dims: DimFilter[]): string {
  const parts = dims.filter((d) => d.values.length).map((d) => `${d.column}${d.negate ? '≠' : '='}${d.values.join('|')}`);
  return parts.length ? parts.join(', ') : 'all views';
}

/** Compare: segments A and B (the filter bar applies to both, as the report's filter). */
export function compareSection(a: DimFilter[], b: DimFilter[]): Section {
  const items = (dims: DimFilter[]) =>
    dims.filter((d) => d.values.length).map((d) => ({ column: d.column, values: [...d.values], negate: d.negate }));
  return {
    ...base(),
    chart: 'bar',
    kind: 'compare',
    a: items(a),
    b: items(b),
    a_label: `A: ${segmentLabel(a)}`,
    b_label: `B: ${segmentLabel(b)}`,
  };
}

/** The sections of a view with its default options; `values(column)` lists a dimension's
 *  values in the open dataset (funnel steps, compare releases). */
export function defaultSections(view: ViewName, values: (column: string) => string[]): Section[] {
  switch (view) {
    case 'overview':
      return overviewSections();
    case 'trends':
      return [trendSection(TREND_DEFAULTS)];
    case 'breakdown':
      return [breakdownSection(BREAKDOWN_DEFAULTS)];
    case 'distribution':
      return [histSection(HIST_DEFAULTS)];
    case 'errors':
      return [errorsSection({ ...ERRORS_DEFAULTS, fingerprint: null })];
    case 'funnels':
      return [funnelSection({ ...FUNNEL_DEFAULTS, steps: defaultSteps(values('page_group')) })];
    case 'compare': {
      const releases = values('release');
      return [compareSection(defaultSegment(releases, '1.4.0', 0), defaultSegment(releases, '1.5.0', 1))];
    }
  }
}

// ---- descriptions --------------------------------------------------------------------------

/** One line saying what a section computes, for the export dialog. */
export function describeSection(s: Section): string {
  const split = (by: string | null) => (by ? `, split by ${dimLabel(by)}` : '');
  switch (s.kind) {
    case 'summary':
      return 'Dataset summary';
    case 'breakdown':
      return `${metricLabel(s.metric)} percentiles${s.by.length ? ` by ${s.by.map(dimLabel).join(' × ')}` : ''}${s.chart === 'stacked_bar' ? ' (ratings)' : ''}`;
    case 'trend':
      return `${s.stat} of ${metricLabel(s.metric)} per ${s.bucket === 'auto' ? 'auto' : s.bucket} bucket${split(s.by)}`;
    case 'hist':
      return `Distribution of ${metricLabel(s.metric)} (${s.bins} ${s.log ? 'log' : 'linear'} bins)`;
    case 'errors':
      return `Top ${s.limit} error hotspots${split(s.by)}${s.fingerprint !== null ? ', heatmap of the selected error' : ''}`;
    case 'funnel':
      return `Funnel ${s.steps.join(' → ')} (${s.mode})${split(s.by)}`;
    case 'compare':
      return `${s.a_label ?? 'A'} vs ${s.b_label ?? 'B'}`;
  }
}

