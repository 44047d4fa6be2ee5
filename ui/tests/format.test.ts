import { describe, expect, it } from 'vitest';
import {
  NONE,
  ellipsis,
  fmtBucket,
  fmtBytes,
  fmtCI,
  fmtDate,
  fmtDateTime,
  fmtDateTimeUtc,
  fmtDuration,
  fmtFixed,
  fmtInt,
  fmtMetric,
  fmtNum,
  fmtPct,
  fmtRfc3339,
  fmtSigned,
  fmtSignedPct,
  fmtThroughput,
  fmtValue,
  fmtWidth,
  fromUtcInput,
  toUtcInput,
  unitLabel,
} from '../src/lib/format';

const T = Date.UTC(2026, 9, 24, 9, 5, 0); // 2026-10-24T09:05:00Z

describe('numbers', () => {
  it('formats integers with separators', () => {
    expect(fmtInt(6336)).toBe('6,336');
    expect(fmtInt(0)).toBe('0');
    expect(fmtInt(1234567.6)).toBe('1,234,568');
    expect(fmtInt(null)).toBe(NONE);
    expect(fmtInt(NaN)).toBe(NONE);
    expect(fmtInt(Infinity)).toBe(NONE);
  });

  it('formats fixed decimals and plain numbers', () => {
    expect(fmtFixed(1.005, 2)).toBe('1.01');
    expect(fmtFixed(2, 2)).toBe('2.00');
    expect(fmtNum(1234.5)).toBe('1,235');
    expect(fmtNum(12.345)).toBe('12.3');
    expect(fmtNum(1.2345)).toBe('1.23');
    expect(fmtNum(0.01234)).toBe('0.012');
    expect(fmtNum(0)).toBe('0');
  });

  it('formats metric values by unit', () => {
    expect(fmtMetric(2880.4, 'ms')).toBe('2,880 ms');
    expect(fmtMetric(5.26, 'ms')).toBe('5.3 ms');
    expect(fmtMetric(0, 'ms')).toBe('0 ms');
    expect(fmtMetric(0.1049, 'unitless')).toBe('0.105');
    expect(fmtMetric(12345, 'bytes')).toBe('12,345 B');
    expect(fmtMetric(1.5, 'Mbit/s')).toBe('1.50 Mbit/s');
    expect(fmtMetric(null, 'ms')).toBe(NONE);
    expect(fmtValue(2500, 'ms')).toBe('2,500');
    expect(unitLabel('unitless')).toBe('');
    expect(unitLabel('ms')).toBe('ms');
  });

  it('formats confidence intervals with open sides', () => {
    expect(fmtCI(2500, 3100.2, 'ms')).toBe('[2,500–3,100]');
    expect(fmtCI(null, 3100, 'ms')).toBe('[…–3,100]');
    expect(fmtCI(0.05, null, 'unitless')).toBe('[0.050–…]');
    expect(fmtCI(null, null, 'ms')).toBe('[…]');
  });

  it('formats shares and signed differences', () => {
    expect(fmtPct(0.2134)).toBe('21.3%');
    expect(fmtPct(1, 0)).toBe('100%');
    expect(fmtPct(null)).toBe(NONE);
    expect(fmtSigned(1234.4, 'ms')).toBe('+1,234 ms');
    expect(fmtSigned(-56, 'ms')).toBe('−56 ms');
    expect(fmtSigned(0, 'ms')).toBe('±0 ms');
    expect(fmtSigned(-0.02, 'unitless')).toBe('−0.020');
    expect(fmtSignedPct(0.153)).toBe('+15.3%');
    expect(fmtSignedPct(-0.5)).toBe('−50.0%');
  });

  it('formats bytes and throughput', () => {
    expect(fmtBytes(999)).toBe('999 B');
    expect(fmtBytes(4_300_000)).toBe('4.3 MB');
    expect(fmtBytes(180_000)).toBe('180 kB');
    expect(fmtBytes(1_500_000_000)).toBe('1.5 GB');
    expect(fmtThroughput(10_000_000, 2000)).toBe('5.0 MB/s');
    expect(fmtThroughput(10_000_000, 0)).toBe(NONE);
  });
});

describe('times (UTC)', () => {
  it('formats dates and times in UTC', () => {
    expect(fmtDate(T)).toBe('2026-10-24');
    expect(fmtDateTime(T)).toBe('2026-10-24 09:05');
    expect(fmtDateTime(T + 7000)).toBe('2026-10-24 09:05:07');
    expect(fmtDateTimeUtc(T)).toBe('2026-10-24 09:05 UTC');
    expect(fmtDateTimeUtc(null)).toBe(NONE);
    expect(fmtRfc3339(T)).toBe('2026-10-24T09:05:00Z');
  });

  it('labels buckets by their width', () => {
    const day = Date.UTC(2026, 9, 24);
    expect(fmtBucket(day, 86_400_000)).toBe('2026-10-24');
    expect(fmtBucket(day + 3_600_000, 3_600_000)).toBe('2026-10-24 01:00');
    expect(fmtWidth(3_600_000)).toBe('1 h');
    expect(fmtWidth(86_400_000)).toBe('1 d');
    expect(fmtWidth(300_000)).toBe('5 min');
    expect(fmtWidth(7 * 86_400_000)).toBe('1 w');
    expect(fmtWidth(1500)).toBe('1,500 ms');
  });

  it('formats durations', () => {
    expect(fmtDuration(850)).toBe('850 ms');
    expect(fmtDuration(12_400)).toBe('12.4 s');
    expect(fmtDuration(125_000)).toBe('2 min 5 s');
    expect(fmtDuration(120_000)).toBe('2 min');
    expect(fmtDuration(3_900_000)).toBe('1 h 5 min');
    expect(fmtDuration(90_000_000)).toBe('1 d 1 h');
    expect(fmtDuration(null)).toBe(NONE);
  });

  it('round-trips datetime-local values as UTC', () => {
    expect(toUtcInput(T)).toBe('2026-10-24T09:05');
    expect(fromUtcInput('2026-10-24T09:05')).toBe(T);
    expect(fromUtcInput('2026-10-24')).toBe(Date.UTC(2026, 9, 24));
    expect(fromUtcInput('')).toBeNull();
    expect(fromUtcInput('yesterday')).toBeNull();
    expect(toUtcInput(null)).toBe('');
  });

  it('shortens long strings', () => {
    expect(ellipsis('abcdef', 4)).toBe('abc…');
    expect(ellipsis('abc', 4)).toBe('abc');
    expect(ellipsis(null)).toBe(NONE);
  });
});
