import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Section } from '../src/lib/bindings/Section';
import {
  breakdownSection,
  bucketSpec,
  compareSection,
  defaultSections,
  defaultSegment,
  defaultSteps,
  describeSection,
  errorsSection,
  funnelSection,
  histSection,
  overviewSections,
  segmentLabel,
  trendSection,
} from '../src/lib/report';
import { VIEWS } from '../src/lib/stores/view.svelte';

const GROUPS = ['/', '/product/:id', '/cart', '/checkout', '/search', '/confirmation'];
const RELEASES = ['1.5.0', '1.4.0', '1.3.2'];
const values = (c: string) => (c === 'page_group' ? GROUPS : c === 'release' ? RELEASES : []);

describe('view options → report sections', () => {
  it('Overview: the summary, then one ratings breakdown per Core Web Vital', () => {
    const s = overviewSections();
    expect(s[0]).toEqual({ title: null, filters: [], chart: null, kind: 'summary', top: 10 });
    expect(s.slice(1).map((x) => x.kind === 'breakdown' && [x.metric, x.by, x.chart])).toEqual([
      ['lcp_ms', [], 'stacked_bar'],
      ['inp_ms', [], 'stacked_bar'],
      ['cls', [], 'stacked_bar'],
      ['fcp_ms', [], 'stacked_bar'],
      ['ttfb_ms', [], 'stacked_bar'],
    ]);
  });

  it('Trends: metric, statistic, bucket as the spec writes it, split', () => {
    expect(trendSection({ metric: 'inp_ms', stat: 'p95', bucket: { ms: 6 * 3_600_000 }, by: 'release' })).toEqual({
      title: null,
      filters: [],
      chart: 'line',
      kind: 'trend',
      metric: 'inp_ms',
      stat: 'p95',
      bucket: '6h',
      by: 'release',
      event_type: null,
      ci: false,
    });
    expect(trendSection({ metric: 'lcp_ms', stat: 'p75', bucket: 'auto', by: '' })).toMatchObject({ bucket: 'auto', by: null });
  });

  it('buckets: the largest whole unit', () => {
    expect(bucketSpec('auto')).toBe('auto');
    expect(bucketSpec({ ms: 86_400_000 })).toBe('1d');
    expect(bucketSpec({ ms: 7 * 86_400_000 })).toBe('1w');
    expect(bucketSpec({ ms: 3_600_000 })).toBe('1h');
    expect(bucketSpec({ ms: 36 * 3_600_000 })).toBe('36h');
    expect(bucketSpec({ ms: 15 * 60_000 })).toBe('15m');
    expect(bucketSpec({ ms: 90_000 })).toBe('90s');
    expect(bucketSpec({ ms: 10 })).toBe('1s');
  });

  it('Breakdown: distinct non-empty splits in order, min n at least 1', () => {
    expect(breakdownSection({ metric: 'lcp_ms', by: ['device_type', '', 'browser'], minN: 30 })).toEqual({
      title: null,
      filters: [],
      chart: 'bar',
      kind: 'breakdown',
      metric: 'lcp_ms',
      by: ['device_type', 'browser'],
      event_type: null,
      min_n: 30,
    });
    const s = breakdownSection({ metric: 'cls', by: ['browser', 'browser', ''], minN: 0 });
    expect(s).toMatchObject({ by: ['browser'], min_n: 1 });
  });

  it('Distribution: bins clamped as the view does, log scale', () => {
    expect(histSection({ metric: 'lcp_ms', bins: 40, log: true })).toEqual({
      title: null,
      filters: [],
      chart: 'histogram',
      kind: 'hist',
      metric: 'lcp_ms',
      bins: 40,
      log: true,
      min: null,
      max: null,
      event_type: null,
    });
    expect(histSection({ metric: 'lcp_ms', bins: 9999, log: false })).toMatchObject({ bins: 500 });
    expect(histSection({ metric: 'lcp_ms', bins: NaN, log: false })).toMatchObject({ bins: 50 });
  });

  it('Errors: bars, or the heatmap of the selected hotspot while it is shown', () => {
    expect(errorsSection({ limit: 20, by: '', fingerprint: null })).toEqual({
      title: null,
      filters: [],
      chart: 'bar',
      kind: 'errors',
      limit: 20,
      by: null,
      bucket: 'auto',
      fingerprint: null,
    });
    expect(errorsSection({ limit: 50, by: 'release', fingerprint: 'TypeError: x' })).toMatchObject({
      chart: 'heatmap',
      by: 'release',
      fingerprint: 'TypeError: x',
    });
  });

  it('Funnels: the applied steps, mode and split', () => {
    const steps = ['/', '/cart', 'action_type=click'];
    const s = funnelSection({ steps, mode: 'strict', by: 'device_type' });
    expect(s).toEqual({ title: null, filters: [], chart: 'funnel', kind: 'funnel', steps, mode: 'strict', by: 'device_type' });
    steps.push('/later');
    expect(s.kind === 'funnel' && s.steps).toHaveLength(3); // a copy, not the view's array
  });

  it('Compare: segments A and B as filter items, labelled', () => {
    const a = [{ column: 'release', values: ['1.4.0'], negate: false }];
    const b = [
      { column: 'release', values: ['1.5.0'], negate: false },
      { column: 'browser', values: ['Safari'], negate: true },
      { column: 'os', values: [], negate: false },
    ];
    expect(compareSection(a, b)).toEqual({
      title: null,
      filters: [],
      chart: 'bar',
      kind: 'compare',
      a: [{ column: 'release', values: ['1.4.0'], negate: false }],
      b: [
        { column: 'release', values: ['1.5.0'], negate: false },
        { column: 'browser', values: ['Safari'], negate: true },
      ],
      a_label: 'A: release=1.4.0',
      b_label: 'B: release=1.5.0, browser≠Safari',
    });
    expect(segmentLabel([])).toBe('all views');
  });

  it('defaults: the purchase funnel and the release segments when the data has them', () => {
    expect(defaultSteps(GROUPS)).toEqual(['/', '/product/:id', '/cart', '/checkout', '/confirmation']);
    expect(defaultSteps(['/a', '/b', '/c', '/d'])).toEqual(['/a', '/b', '/c']);
    expect(defaultSegment(RELEASES, '1.4.0', 0)).toEqual([{ column: 'release', values: ['1.4.0'], negate: false }]);
    expect(defaultSegment(['2.0', '1.0'], '1.5.0', 1)).toEqual([{ column: 'release', values: ['2.0'], negate: false }]);
    expect(defaultSegment([], '1.5.0', 1)).toEqual([]);
  });

  it('describes each section in one line', () => {
    const d = (s: Section) => describeSection(s);
    expect(d(trendSection({ metric: 'lcp_ms', stat: 'p75', bucket: { ms: 86_400_000 }, by: 'browser' }))).toBe(
      'p75 of LCP per 1d bucket, split by Browser',
    );
    expect(d(breakdownSection({ metric: 'inp_ms', by: ['device_type'], minN: 50 }))).toBe('INP percentiles by Device');
    expect(d(overviewSections()[0])).toBe('Dataset summary');
    expect(d(compareSection([], []))).toBe('A: all views vs B: all views');
  });
});

// The default section of every view, as the app sends it. The Rust test
// `ui_sections_are_valid_specs` (src-tauri/tests/export.rs) checks each is a valid spec section
// and computes on the sample. Regenerate with UPDATE_FIXTURES=1 npm test.
describe('the sections fixture shared with the Rust tests', () => {
  it('is what the views send with their default options', () => {
    const file = join(__dirname, 'fixtures', 'view-sections.json');
    const want = Object.fromEntries(VIEWS.map((v) => [v.name, defaultSections(v.name, values)]));
    const text = JSON.stringify(want, null, 2) + '\n';
    if (process.env.UPDATE_FIXTURES) writeFileSync(file, text);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(want);
  });
});
