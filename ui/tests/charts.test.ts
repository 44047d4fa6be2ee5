// The option builders render (ECharts server-side, SVG renderer: same options as the canvas
// renderer the app uses) and their HTML tooltips escape attacker-controlled strings.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SVGRenderer } from 'echarts/renderers';
import type { Breakdown } from '../src/lib/bindings/Breakdown';
import type { BreakdownRow } from '../src/lib/bindings/BreakdownRow';
import type { Funnel } from '../src/lib/bindings/Funnel';
import type { Histogram } from '../src/lib/bindings/Histogram';
import type { Trend } from '../src/lib/bindings/Trend';
import { init, use, type ECharts, type EChartsCoreOption } from '../src/lib/charts/echarts';
import {
  breakdownOption,
  funnelOption,
  funnelSeries,
  histOption,
  rowLabel,
  tooltipFormatter,
  trendOption,
} from '../src/lib/charts/options';
import { palette } from '../src/lib/charts/palette';

use([SVGRenderer]);

const XSS = '<img src=x onerror=alert(1)>';
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 5);
const P = palette(false);

let charts: ECharts[] = [];
let echartsMessages: string[] = [];
beforeEach(() => {
  echartsMessages = [];
  for (const m of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      echartsMessages.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => {
  charts.forEach((c) => c.dispose());
  charts = [];
  vi.restoreAllMocks();
  // ECharts reports deprecated options and missing components on the console: none allowed.
  expect(echartsMessages).toEqual([]);
});

function render(option: EChartsCoreOption): string {
  const c = init(null as unknown as HTMLElement, null, { renderer: 'svg', ssr: true, width: 800, height: 400 });
  charts.push(c);
  c.setOption(option);
  return c.renderToSVGString();
}

function row(keys: (string | null)[], p75: number | null, extra: Partial<BreakdownRow> = {}): BreakdownRow {
  return {
    keys,
    n: 120,
    p50: p75 === null ? null : p75 * 0.8,
    p75,
    p90: null,
    p95: null,
    p99: null,
    mean: null,
    p75_ci_low: p75 === null ? null : p75 - 100,
    p75_ci_high: p75 === null ? null : p75 + 150,
    good: 0.6,
    needs_improvement: 0.3,
    poor: 0.1,
    rating: 'needs-improvement',
    low_n: false,
    ...extra,
  };
}

const trend: Trend = {
  metric: 'lcp_ms',
  unit: 'ms',
  stat: 'p75',
  bucket_width_ms: DAY,
  by: 'browser',
  event_type: 'view',
  ci: false,
  points: [
    { bucket_ms: T0, key: XSS, value: 2500, n: 40 },
    { bucket_ms: T0 + DAY, key: XSS, value: null, n: 0 },
    { bucket_ms: T0 + 2 * DAY, key: XSS, value: 2700, n: 35 },
    { bucket_ms: T0, key: 'Chrome', value: 1900, n: 80 },
    { bucket_ms: T0 + DAY, key: 'Chrome', value: 2000, n: 82 },
  ],
  filter: 'none',
};

const breakdown: Breakdown = {
  metric: 'lcp_ms',
  unit: 'ms',
  event_type: 'view',
  by: ['device_type', 'browser'],
  thresholds: { good: 2500, poor: 4000 },
  rows: [
    row(['mobile', XSS], 5986, { rating: 'poor', poor: 0.6, good: 0.2, needs_improvement: 0.2 }),
    row(['desktop', 'Chrome'], 1800, { rating: 'good' }),
    row(['tablet', null], 2600, { low_n: true, n: 12, p75_ci_low: null, p75_ci_high: null }),
  ],
  filter: 'release=1.5.0',
};

const hist: Histogram = {
  metric: 'lcp_ms',
  unit: 'ms',
  log: false,
  n: 100,
  underflow: 0,
  overflow: 3,
  thresholds: { good: 2500, poor: 4000 },
  bins: [
    { lo: 0, hi: 2000, count: 40, share: 0.4, band: 'good' },
    { lo: 2000, hi: 4000, count: 45, share: 0.45, band: 'needs-improvement' },
    { lo: 4000, hi: 6000, count: 12, share: 0.12, band: 'poor' },
  ],
  event_type: 'view',
  filter: 'none',
};

const funnel: Funnel = {
  mode: 'ordered',
  by: 'device_type',
  labels: ['/', XSS],
  steps: [
    { step: 1, label: '/', key: 'mobile', sessions: 100, conversion_from_previous: 1, conversion_from_first: 1, dropoff: 0, dropoff_rate: null, median_time_ms: null, p75_time_ms: null },
    { step: 2, label: XSS, key: 'mobile', sessions: 30, conversion_from_previous: 0.3, conversion_from_first: 0.3, dropoff: 70, dropoff_rate: 0.7, median_time_ms: 45_000, p75_time_ms: 90_000 },
    { step: 1, label: '/', key: XSS, sessions: 80, conversion_from_previous: 1, conversion_from_first: 1, dropoff: 0, dropoff_rate: null, median_time_ms: null, p75_time_ms: null },
    { step: 2, label: XSS, key: XSS, sessions: 60, conversion_from_previous: 0.75, conversion_from_first: 0.75, dropoff: 20, dropoff_rate: 0.25, median_time_ms: 30_000, p75_time_ms: 60_000 },
  ],
  filter: 'none',
};

function expectSafe(s: string) {
  expect(s).not.toContain('<img');
  expect(s).toContain('&lt;img src=x onerror=alert(1)&gt;');
}

describe('trend chart', () => {
  it('renders one series per split value', () => {
    const svg = render(trendOption(trend, P));
    expect(svg).toContain('<svg');
    expect(svg).not.toContain('<img');
    const opt = trendOption(trend, P) as { series: { name: string; data: unknown[] }[] };
    expect(opt.series.map((s) => s.name)).toEqual([XSS, 'Chrome']);
    expect(opt.series[0].data).toEqual([
      [T0, 2500, 40],
      [T0 + DAY, null, 0],
      [T0 + 2 * DAY, 2700, 35],
    ]);
  });

  it('escapes the tooltip and shows n', () => {
    const fmt = tooltipFormatter(trendOption(trend, P))!;
    const out = fmt([
      { seriesIndex: 0, dataIndex: 0 },
      { seriesIndex: 1, dataIndex: 0 },
    ]);
    expectSafe(out);
    expect(out).toContain('2,500 ms');
    expect(out).toContain('n = 40');
    expect(out).toContain('n = 80');
    expect(out).toContain('2026-10-05');
  });
});

describe('breakdown chart', () => {
  it('renders bars, error bars and threshold lines', () => {
    const svg = render(breakdownOption(breakdown, breakdown.rows, P));
    expect(svg).toContain('good ≤ 2,500 ms');
    expect(svg).toContain('poor &gt; 4,000 ms');
    expect(svg).not.toContain('<img');
  });

  it('escapes the tooltip', () => {
    const out = tooltipFormatter(breakdownOption(breakdown, breakdown.rows, P))!([{ dataIndex: 0, seriesIndex: 0 }]);
    expectSafe(out);
    expect(out).toContain('5,986 ms');
    expect(out).toContain('[5,886–6,136]');
    expect(out).toContain('n = 120');
  });

  it('labels rows by their keys', () => {
    expect(rowLabel(breakdown.rows[2])).toBe('tablet · (none)');
    expect(rowLabel({ ...breakdown.rows[0], keys: [] })).toBe('all');
  });
});

describe('histogram', () => {
  it('renders bins and thresholds', () => {
    const svg = render(histOption(hist, P));
    expect(svg).toContain('good ≤ 2,500 ms');
    expect(svg).toContain(P.good);
    expect(svg).toContain(P.poor);
  });

  it('renders on a log axis', () => {
    const svg = render(histOption({ ...hist, log: true, bins: hist.bins.map((b, i) => ({ ...b, lo: b.lo || 100 * (i + 1) })) }, palette(true)));
    expect(svg).toContain('<svg');
  });

  it('tooltips give the range, count and share', () => {
    const out = tooltipFormatter(histOption(hist, P))!({ dataIndex: 1 });
    expect(out).toContain('2,000 – 4,000 ms');
    expect(out).toContain('45');
    expect(out).toContain('45.0%');
    expect(out).toContain('needs improvement');
  });
});

describe('funnel chart', () => {
  it('groups steps by split value', () => {
    const g = funnelSeries(funnel);
    expect(g.map((x) => x.key)).toEqual(['mobile', XSS]);
    expect(g[1].steps.map((s) => s?.sessions)).toEqual([80, 60]);
  });

  it('renders and escapes', () => {
    const svg = render(funnelOption(funnel, P, 'sessions'));
    expect(svg).not.toContain('<img');
    render(funnelOption({ ...funnel, by: null, steps: funnel.steps.filter((s) => s.key === 'mobile') }, P, 'conversion'));
    const out = tooltipFormatter(funnelOption(funnel, P, 'sessions'))!([
      { seriesIndex: 0, dataIndex: 1 },
      { seriesIndex: 1, dataIndex: 1 },
    ]);
    expectSafe(out);
    expect(out).toContain('30.0% of previous');
    expect(out).toContain('lost 70');
    expect(out).toContain('median 45.0 s');
  });
});

describe('every builder', () => {
  it('sets an escaping HTML tooltip formatter', () => {
    const opts = [
      trendOption(trend, P),
      breakdownOption(breakdown, breakdown.rows, P),
      histOption(hist, P),
      funnelOption(funnel, P, 'sessions'),
    ];
    for (const o of opts) expect(typeof tooltipFormatter(o)).toBe('function');
  });
});
