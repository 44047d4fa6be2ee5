// ECharts options built from the engine's results. Drawing only: every value comes from the
// result as it is. Tooltips are HTML built with `html`/`esc` (data strings escaped); axis and
// bar labels are drawn on the canvas as text.
import type { EChartsCoreOption } from './echarts';
import type { Breakdown } from '../bindings/Breakdown';
import type { BreakdownRow } from '../bindings/BreakdownRow';
import type { Funnel } from '../bindings/Funnel';
import type { FunnelStep } from '../bindings/FunnelStep';
import type { Histogram } from '../bindings/Histogram';
import type { Thresholds } from '../bindings/Thresholds';
import type { Trend } from '../bindings/Trend';
import type { TrendPoint } from '../bindings/TrendPoint';
import { bandLabel, metricLabel } from '../columns';
import { esc, html } from '../escape';
import {
  fmtBucket,
  fmtCI,
  fmtDate,
  fmtDateTime,
  fmtDuration,
  fmtInt,
  fmtMetric,
  fmtPct,
  fmtValue,
  fmtWidth,
  unitLabel,
} from '../format';
import { bandColor, seriesStyle, type Palette } from './palette';

/** What ECharts passes to a tooltip formatter (the fields used here). */
export interface TipParam {
  seriesName?: string;
  seriesIndex?: number;
  dataIndex: number;
  value?: unknown;
  axisValue?: unknown;
}

/** Label of a missing dimension value. */
export const NULL_KEY = '(none)';

function dot(color: string): string {
  return html`<span class="tt-dot" style="background-color:${color}"></span>`;
}

function tipLines(lines: string[]): string {
  return `<div class="tt">${lines.join('<br>')}</div>`;
}

function tooltipBase(p: Palette) {
  return {
    confine: true,
    renderMode: 'html',
    backgroundColor: p.tooltipBg,
    borderColor: p.axis,
    borderWidth: 1,
    padding: [6, 8],
    textStyle: { color: p.text, fontSize: 12 },
  };
}

function axisCommon(p: Palette) {
  return {
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { lineStyle: { color: p.axis } },
    axisLabel: { color: p.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: p.grid } },
    nameTextStyle: { color: p.muted, fontSize: 11 },
  };
}

const TEXT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' };

/** Unit text for an axis name: " (ms)" or "". */
function unitSuffix(unit: string): string {
  const u = unitLabel(unit);
  return u ? ` (${u})` : '';
}

/** Keys of a split in the order the engine lists them. */
function orderedKeys<T extends { key: string | null }>(items: T[]): (string | null)[] {
  const seen = new Set<string | null>();
  const keys: (string | null)[] = [];
  for (const it of items) {
    if (!seen.has(it.key)) {
      seen.add(it.key);
      keys.push(it.key);
    }
  }
  return keys;
}

/** Dashed good / poor threshold lines; `labelAt` is the end of the line that gets the label
 *  (`end` is the top of a vertical line, unless the y axis is inverted). */
function thresholdLines(p: Palette, t: Thresholds | null, unit: string, labelAt: 'start' | 'end') {
  if (!t) return undefined;
  return {
    silent: true,
    symbol: 'none',
    animation: false,
    label: { color: p.muted, fontSize: 10, position: labelAt },
    data: [
      {
        xAxis: t.good,
        lineStyle: { color: p.good, type: 'dashed', width: 1 },
        label: { formatter: () => `good ≤ ${fmtMetric(t.good, unit)}` },
      },
      {
        xAxis: t.poor,
        lineStyle: { color: p.poor, type: 'dashed', width: 1 },
        label: { formatter: () => `poor > ${fmtMetric(t.poor, unit)}` },
      },
    ],
  };
}

// ---- Trends --------------------------------------------------------------------------------

/** Label of a split value in legends and tooltips. */
export function keyLabel(key: string | null): string {
  return key === null ? NULL_KEY : key;
}

export function trendOption(t: Trend, p: Palette): EChartsCoreOption {
  const keys = orderedKeys(t.points);
  const byKey = new Map<string | null, TrendPoint[]>();
  for (const pt of t.points) {
    const list = byKey.get(pt.key) ?? [];
    list.push(pt);
    byKey.set(pt.key, list);
  }
  const isCount = t.stat === 'count';
  const fmtY = (v: number) => (isCount ? fmtInt(v) : fmtValue(v, t.unit));
  const single = t.by === null;
  const names = keys.map((k) => (single ? `${t.stat} ${metricLabel(t.metric)}` : keyLabel(k)));
  const series = keys.map((k, i) => {
    const pts = byKey.get(k) ?? [];
    const st = seriesStyle(p, i, k);
    return {
      type: 'line',
      name: names[i],
      data: pts.map((pt) => [pt.bucket_ms, pt.value, pt.n]),
      showSymbol: pts.length <= 60,
      symbolSize: 4,
      connectNulls: false,
      itemStyle: { color: st.color },
      lineStyle: { color: st.color, width: 1.5, type: st.dashed ? 'dashed' : 'solid' },
      emphasis: { focus: 'series' },
    };
  });
  const pointAt = (seriesIndex: number, dataIndex: number) => byKey.get(keys[seriesIndex])?.[dataIndex];
  return {
    textStyle: TEXT,
    useUTC: true,
    animation: false,
    grid: { left: 8, right: 24, top: single ? 28 : 56, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: single
      ? undefined
      : { type: 'scroll', top: 0, textStyle: { color: p.text, fontSize: 11 }, pageTextStyle: { color: p.muted } },
    tooltip: {
      ...tooltipBase(p),
      trigger: 'axis',
      formatter: (params: TipParam | TipParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        if (list.length === 0) return '';
        const first = pointAt(list[0].seriesIndex ?? 0, list[0].dataIndex);
        const head = first
          ? html`<b>${fmtBucket(first.bucket_ms, t.bucket_width_ms)}</b> <span class="tt-muted">(${fmtWidth(t.bucket_width_ms)} bucket, UTC)</span>`
          : '';
        const lines = list.map((it) => {
          const pt = pointAt(it.seriesIndex ?? 0, it.dataIndex);
          const st = seriesStyle(p, it.seriesIndex ?? 0, keys[it.seriesIndex ?? 0] ?? null);
          if (!pt) return '';
          const v = pt.value === null ? '–' : isCount ? fmtInt(pt.value) : fmtMetric(pt.value, t.unit);
          return (
            dot(st.color) +
            html`${names[it.seriesIndex ?? 0]}: <b>${v}</b> <span class="tt-muted">${t.stat}, n = ${fmtInt(pt.n)}</span>`
          );
        });
        return tipLines([head, ...lines]);
      },
    },
    xAxis: {
      type: 'time',
      ...axisCommon(p),
      splitLine: { show: false },
      axisLabel: {
        color: p.muted,
        fontSize: 11,
        hideOverlap: true,
        formatter: (v: number) => (t.bucket_width_ms >= 86_400_000 || v % 86_400_000 === 0 ? fmtDate(v) : fmtDateTime(v)),
      },
    },
    yAxis: {
      type: 'value',
      name: isCount ? 'count (n)' : `${t.stat} ${metricLabel(t.metric)}${unitSuffix(t.unit)}`,
      nameGap: 12,
      ...axisCommon(p),
      axisLabel: { color: p.muted, fontSize: 11, formatter: fmtY },
    },
    toolbox: { show: false },
    brush: {
      toolbox: [],
      xAxisIndex: 0,
      brushType: 'lineX',
      brushMode: 'single',
      transformable: false,
      throttleType: 'debounce',
      throttleDelay: 200,
      brushStyle: { borderWidth: 1, color: p.dark ? 'rgba(86,180,233,0.15)' : 'rgba(0,114,178,0.12)', borderColor: p.neutral },
      outOfBrush: { colorAlpha: 0.35 },
    },
    series,
  };
}

// ---- Breakdown -----------------------------------------------------------------------------

/** Label of a breakdown row: its key values joined with " · ". */
export function rowLabel(r: BreakdownRow): string {
  return r.keys.length === 0 ? 'all' : r.keys.map(keyLabel).join(' · ');
}

/** Horizontal bars of p75 with the 95% interval as error bars and the CWV thresholds. */
export function breakdownOption(b: Breakdown, rows: BreakdownRow[], p: Palette): EChartsCoreOption {
  const labels = rows.map((r) => `${rowLabel(r)}  n=${fmtInt(r.n)}${r.low_n ? ' (low n)' : ''}`);
  const unit = b.unit;
  const rowTip = (r: BreakdownRow) => {
    const lines = [
      html`<b>${rowLabel(r)}</b>`,
      html`p75: <b>${fmtMetric(r.p75, unit)}</b> ${fmtCI(r.p75_ci_low, r.p75_ci_high, unit)} <span class="tt-muted">95% CI</span>`,
      html`n = ${fmtInt(r.n)}${r.low_n ? ' — low n: do not base decisions on it' : ''}`,
      html`p50 ${fmtMetric(r.p50, unit)} · p90 ${fmtMetric(r.p90, unit)} · p95 ${fmtMetric(r.p95, unit)}`,
    ];
    if (r.good !== null)
      lines.push(
        html`good ${fmtPct(r.good)} · needs impr. ${fmtPct(r.needs_improvement)} · poor ${fmtPct(r.poor)} · rating ${bandLabel(r.rating)}`,
      );
    lines.push('<span class="tt-muted">Click to filter on this segment</span>');
    return tipLines(lines);
  };
  return {
    textStyle: TEXT,
    animation: false,
    grid: { left: 8, right: 24, top: 28, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: {
      ...tooltipBase(p),
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: TipParam | TipParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        const r = list.length ? rows[list[0].dataIndex] : undefined;
        return r ? rowTip(r) : '';
      },
    },
    xAxis: {
      type: 'value',
      min: 0,
      name: `p75 ${metricLabel(b.metric)}${unitSuffix(unit)}`,
      nameLocation: 'middle',
      nameGap: 24,
      ...axisCommon(p),
      axisLabel: { color: p.muted, fontSize: 11, formatter: (v: number) => fmtValue(v, unit) },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: labels,
      ...axisCommon(p),
      axisLabel: { color: p.text, fontSize: 11, width: 300, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: 'p75',
        barMaxWidth: 18,
        data: rows.map((r) => ({
          value: r.p75,
          itemStyle: { color: bandColor(p, r.rating), opacity: r.low_n ? 0.4 : 0.9 },
        })),
        markLine: thresholdLines(p, b.thresholds, unit, 'start'),
      },
      {
        type: 'custom',
        name: '95% CI',
        silent: true,
        z: 3,
        encode: { x: [1, 2], y: 0 },
        data: rows.map((r, i) => [i, r.p75_ci_low ?? r.p75 ?? NaN, r.p75_ci_high ?? r.p75 ?? NaN]),
        renderItem: errorBar(p),
      },
    ],
  };
}

interface RenderApi {
  value(dim: number): number;
  coord(v: number[]): number[];
  size(v: number[]): number[];
}

/** Custom-series renderer of a horizontal error bar `[i, low, high]`. */
function errorBar(p: Palette) {
  return (_params: unknown, api: RenderApi) => {
    const i = api.value(0);
    const lo = api.value(1);
    const hi = api.value(2);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo === hi) return null;
    const a = api.coord([lo, i]);
    const b = api.coord([hi, i]);
    const h = api.size([0, 1])[1] * 0.25;
    const style = { stroke: p.text, lineWidth: 1 };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
        { type: 'line', shape: { x1: a[0], y1: a[1] - h, x2: a[0], y2: a[1] + h }, style },
        { type: 'line', shape: { x1: b[0], y1: b[1] - h, x2: b[0], y2: b[1] + h }, style },
      ],
    };
  };
}

// ---- Distribution --------------------------------------------------------------------------

export function histOption(h: Histogram, p: Palette): EChartsCoreOption {
  const bins = h.bins;
  const unit = h.unit;
  const lo = bins.length ? bins[0].lo : undefined;
  const hi = bins.length ? bins[bins.length - 1].hi : undefined;
  return {
    textStyle: TEXT,
    animation: false,
    grid: { left: 8, right: 24, top: 28, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: {
      ...tooltipBase(p),
      trigger: 'item',
      formatter: (it: TipParam) => {
        const b = bins[it.dataIndex];
        if (!b) return '';
        const last = it.dataIndex === bins.length - 1;
        return tipLines([
          html`<b>${fmtValue(b.lo, unit)} – ${fmtValue(b.hi, unit)}${unitLabel(unit) ? ' ' + unitLabel(unit) : ''}</b> <span class="tt-muted">${last ? '[lo, hi]' : '[lo, hi)'}</span>`,
          html`count: <b>${fmtInt(b.count)}</b> (${fmtPct(b.share)} of n = ${fmtInt(h.n)})`,
          b.band === null ? '' : dot(bandColor(p, b.band)) + html`band of the bin centre: ${bandLabel(b.band)}`,
        ]);
      },
    },
    xAxis: {
      type: h.log ? 'log' : 'value',
      min: lo,
      max: hi,
      name: `${metricLabel(h.metric)}${unitSuffix(unit)}${h.log ? ', log scale' : ''}`,
      nameLocation: 'middle',
      nameGap: 24,
      ...axisCommon(p),
      splitLine: { show: false },
      axisLabel: { color: p.muted, fontSize: 11, hideOverlap: true, formatter: (v: number) => fmtValue(v, unit) },
    },
    yAxis: {
      type: 'value',
      name: 'count',
      ...axisCommon(p),
      axisLabel: { color: p.muted, fontSize: 11, formatter: (v: number) => fmtInt(v) },
    },
    series: [
      {
        type: 'custom',
        name: 'count',
        encode: { x: [0, 1], y: 2 },
        data: bins.map((b) => [b.lo, b.hi, b.count]),
        renderItem: (params: { dataIndex: number }, api: RenderApi) => {
          const b = bins[params.dataIndex];
          const a = api.coord([api.value(0), api.value(2)]);
          const z = api.coord([api.value(1), 0]);
          const w = Math.max(z[0] - a[0] - 1, 0.5);
          return {
            type: 'rect',
            shape: { x: a[0], y: a[1], width: w, height: z[1] - a[1] },
            style: { fill: bandColor(p, b?.band ?? null), opacity: 0.85 },
          };
        },
        markLine: thresholdLines(p, h.thresholds, unit, 'end'),
      },
    ],
  };
}

// ---- Funnels -------------------------------------------------------------------------------

export type FunnelMeasure = 'sessions' | 'conversion';

/** Steps of one split value, indexed by step number − 1. */
export function funnelSeries(f: Funnel): { key: string | null; steps: (FunnelStep | undefined)[] }[] {
  return orderedKeys(f.steps).map((key) => {
    const steps: (FunnelStep | undefined)[] = f.labels.map(() => undefined);
    for (const s of f.steps) if (s.key === key) steps[s.step - 1] = s;
    return { key, steps };
  });
}

export function funnelOption(f: Funnel, p: Palette, measure: FunnelMeasure): EChartsCoreOption {
  const groups = funnelSeries(f);
  const single = f.by === null;
  const pct = measure === 'conversion';
  const series = groups.map((g, i) => {
    const st = seriesStyle(p, i, g.key);
    return {
      type: 'bar',
      name: single ? 'sessions' : keyLabel(g.key),
      barMaxWidth: 48,
      itemStyle: { color: st.color, opacity: 0.9 },
      data: g.steps.map((s) => (s ? (pct ? s.conversion_from_first : s.sessions) : null)),
      label: {
        show: groups.length <= 4,
        position: 'top',
        color: p.muted,
        fontSize: 10,
        formatter: (it: TipParam) => {
          const s = g.steps[it.dataIndex];
          return s ? (pct ? fmtPct(s.conversion_from_first, 0) : fmtInt(s.sessions)) : '';
        },
      },
    };
  });
  return {
    textStyle: TEXT,
    animation: false,
    grid: { left: 8, right: 16, top: single ? 28 : 56, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: single
      ? undefined
      : { type: 'scroll', top: 0, textStyle: { color: p.text, fontSize: 11 }, pageTextStyle: { color: p.muted } },
    tooltip: {
      ...tooltipBase(p),
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: TipParam | TipParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        if (!list.length) return '';
        const stepIndex = list[0].dataIndex;
        const lines = [html`<b>Step ${stepIndex + 1}: ${f.labels[stepIndex] ?? ''}</b>`];
        for (const it of list) {
          const g = groups[it.seriesIndex ?? 0];
          const s = g?.steps[stepIndex];
          if (!g || !s) continue;
          const st = seriesStyle(p, it.seriesIndex ?? 0, g.key);
          const name = single ? '' : keyLabel(g.key) + ': ';
          let line =
            dot(st.color) +
            html`${name}<b>${fmtInt(s.sessions)}</b> sessions · ${fmtPct(s.conversion_from_previous)} of previous · ${fmtPct(s.conversion_from_first)} of first`;
          if (s.step > 1) line += html` · lost ${fmtInt(s.dropoff)} (${fmtPct(s.dropoff_rate)})`;
          if (s.median_time_ms !== null) line += html` · median ${fmtDuration(s.median_time_ms)}`;
          lines.push(line);
        }
        return tipLines(lines);
      },
    },
    xAxis: {
      type: 'category',
      data: f.labels,
      ...axisCommon(p),
      axisLabel: { color: p.text, fontSize: 11, interval: 0, width: 140, overflow: 'truncate' },
    },
    yAxis: {
      type: 'value',
      name: pct ? 'share of step 1 sessions' : 'sessions',
      max: pct ? 1 : undefined,
      ...axisCommon(p),
      axisLabel: { color: p.muted, fontSize: 11, formatter: (v: number) => (pct ? fmtPct(v, 0) : fmtInt(v)) },
    },
    series,
  };
}

/** For tests and audits: every tooltip of an option is escaped HTML built by a formatter. */
export function tooltipFormatter(opt: EChartsCoreOption): ((p: unknown) => string) | undefined {
  const t = (opt as { tooltip?: { formatter?: unknown } }).tooltip;
  return typeof t?.formatter === 'function' ? (t.formatter as (p: unknown) => string) : undefined;
}

export { esc };
