import { describe, expect, it } from 'vitest';
import type { Filter } from '../src/lib/bindings/Filter';
import {
  clearColumn,
  clearTime,
  describeFilter,
  dimOf,
  emptyFilter,
  exclude,
  include,
  intersect,
  isEmptyFilter,
  only,
  setNegate,
  setTimeRange,
  toggleValue,
} from '../src/lib/filter';
import { filters } from '../src/lib/stores/filter.svelte';

describe('filter operations (pure)', () => {
  it('adds include values to one filter per column', () => {
    let f = include(emptyFilter(), 'device_type', 'mobile');
    f = include(f, 'device_type', 'tablet');
    f = include(f, 'device_type', 'mobile'); // already there
    f = include(f, 'browser', 'Mobile Safari');
    expect(f.dims).toEqual([
      { column: 'device_type', values: ['mobile', 'tablet'], negate: false },
      { column: 'browser', values: ['Mobile Safari'], negate: false },
    ]);
  });

  it('never mutates its argument', () => {
    const f0 = include(emptyFilter(), 'release', '1.4.0');
    const snapshot = JSON.stringify(f0);
    include(f0, 'release', '1.5.0');
    exclude(f0, 'release', '1.5.0');
    toggleValue(f0, 'release', '1.4.0');
    clearColumn(f0, 'release');
    setTimeRange(f0, 1, 2);
    expect(JSON.stringify(f0)).toBe(snapshot);
  });

  it('excludes values, switching an include filter to exclude', () => {
    let f = include(emptyFilter(), 'device_type', 'mobile');
    f = exclude(f, 'device_type', 'bot');
    expect(dimOf(f, 'device_type')).toEqual({ column: 'device_type', values: ['bot'], negate: true });
    f = exclude(f, 'device_type', 'other');
    expect(dimOf(f, 'device_type')?.values).toEqual(['bot', 'other']);
    // include after exclude replaces it
    f = include(f, 'device_type', 'desktop');
    expect(dimOf(f, 'device_type')).toEqual({ column: 'device_type', values: ['desktop'], negate: false });
  });

  it('toggles values and drops an emptied filter', () => {
    let f = toggleValue(emptyFilter(), 'country', 'US');
    f = toggleValue(f, 'country', 'GB');
    expect(dimOf(f, 'country')?.values).toEqual(['US', 'GB']);
    f = setNegate(f, 'country', true);
    f = toggleValue(f, 'country', 'US');
    expect(dimOf(f, 'country')).toEqual({ column: 'country', values: ['GB'], negate: true });
    f = toggleValue(f, 'country', 'GB');
    expect(dimOf(f, 'country')).toBeUndefined();
    expect(isEmptyFilter(f)).toBe(true);
  });

  it('drills down to exactly one value', () => {
    let f = include(emptyFilter(), 'browser', 'Chrome');
    f = include(f, 'browser', 'Safari');
    f = only(f, 'browser', 'Safari');
    expect(f.dims).toEqual([{ column: 'browser', values: ['Safari'], negate: false }]);
  });

  it('clears a column, the time range, everything', () => {
    let f = include(emptyFilter(), 'release', '1.5.0');
    f = include(f, 'page_group', '/cart');
    f = setTimeRange(f, 1000.4, 2000.2);
    expect(f.from_ms).toBe(1000);
    expect(f.to_ms).toBe(2001);
    f = clearColumn(f, 'release');
    expect(f.dims.map((d) => d.column)).toEqual(['page_group']);
    f = clearTime(f);
    expect(f.from_ms).toBeNull();
    expect(f.to_ms).toBeNull();
    f = clearColumn(f, 'page_group');
    expect(isEmptyFilter(f)).toBe(true);
  });

  it('intersects two filters (Compare segments)', () => {
    const base: Filter = { ...include(emptyFilter(), 'device_type', 'mobile'), from_ms: 10, to_ms: 100 };
    const seg: Filter = { ...include(emptyFilter(), 'release', '1.5.0'), from_ms: 50, to_ms: null };
    const f = intersect(base, seg);
    expect(f.dims.map((d) => d.column)).toEqual(['device_type', 'release']);
    expect(f.from_ms).toBe(50);
    expect(f.to_ms).toBe(100);
  });

  it('describes a filter like the engine', () => {
    expect(describeFilter(emptyFilter())).toBe('none');
    let f = include(emptyFilter(), 'device_type', 'mobile');
    f = include(f, 'device_type', 'tablet');
    f = exclude(f, 'browser', 'Firefox');
    f = setTimeRange(f, Date.UTC(2026, 9, 20), Date.UTC(2026, 9, 27));
    f = { ...f, ranges: [{ column: 'lcp_ms', min: 2500, max: null, min_exclusive: false, max_exclusive: false }] };
    expect(describeFilter(f)).toBe(
      'device_type=mobile|tablet, browser≠Firefox, ts≥2026-10-20T00:00:00Z, ts<2026-10-27T00:00:00Z, lcp_ms≥2500',
    );
  });
});

describe('filter store (runes)', () => {
  it('adds includes, excludes and clears', () => {
    filters.clearAll();
    expect(filters.empty).toBe(true);
    filters.include('device_type', 'mobile');
    filters.include('device_type', 'tablet');
    expect(filters.dim('device_type')).toEqual({ column: 'device_type', values: ['mobile', 'tablet'], negate: false });
    filters.exclude('browser', 'Firefox');
    expect(filters.dim('browser')?.negate).toBe(true);
    filters.toggle('device_type', 'mobile');
    expect(filters.dim('device_type')?.values).toEqual(['tablet']);
    filters.setNegate('device_type', true);
    expect(filters.description).toBe('device_type≠tablet, browser≠Firefox');
    filters.setTimeRange(0, 86_400_000);
    expect(filters.snapshot().to_ms).toBe(86_400_000);
    filters.clearColumn('browser');
    expect(filters.dim('browser')).toBeUndefined();
    filters.only('release', '1.5.0');
    expect(filters.dim('release')?.values).toEqual(['1.5.0']);
    filters.clearAll();
    expect(filters.empty).toBe(true);
    expect(filters.snapshot()).toEqual(emptyFilter());
  });

  it('hands out plain snapshots, detached from the store', () => {
    filters.clearAll();
    filters.include('country', 'US');
    const snap = filters.snapshot();
    snap.dims[0].values.push('GB');
    expect(filters.dim('country')?.values).toEqual(['US']);
    filters.clearAll();
  });
});
