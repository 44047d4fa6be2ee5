import { describe, expect, it } from 'vitest';
import { buildMapping, formFromProposal, validateForm, type MappingForm, type MappingProposal } from '../src/lib/mapping';

const canonical = [
  { name: 'ts', kind: 'timestamp', unit: 'epoch ms', duration: false },
  { name: 'event_type', kind: 'dim', unit: '', duration: false },
  { name: 'session_id', kind: 'dim', unit: '', duration: false },
  { name: 'url', kind: 'text', unit: '', duration: false },
  { name: 'lcp_ms', kind: 'float', unit: 'ms', duration: true },
  { name: 'cls', kind: 'float', unit: '', duration: false },
];

function proposal(over: Partial<MappingProposal> = {}): MappingProposal {
  return {
    path: '/data/warehouse.ndjson',
    columns: [
      { name: 'event_time', samples: ['1791158400', '1791158460'] },
      { name: 'kind', samples: ['pageview'] },
      { name: 'lcp_s', samples: ['1.234', '2.5', '0.9', '3', '4', '5.5'] },
      { name: 'page', samples: ['<img src=x onerror=alert(1)>'] },
      { name: 'sid', samples: ['s1'] },
    ],
    mapping: {
      columns: {
        event_time: { to: 'ts', time: 'epoch_s' },
        lcp_s: { to: 'lcp_ms', unit: 's' },
        page: { to: 'url' },
        sid: { to: 'session_id' },
      },
      defaults: { event_type: 'view' },
      _unmapped: ['kind'],
    },
    saved: false,
    canonical,
    ...over,
  };
}

describe('formFromProposal', () => {
  it('pre-fills one row per input column from the proposed mapping', () => {
    const f = formFromProposal(proposal());
    expect(f.eventType).toBe('view');
    expect(f.rows.map((r) => [r.name, r.to, r.unit, r.time])).toEqual([
      ['event_time', 'ts', 'ms', 'epoch_s'],
      ['kind', '', 'ms', ''],
      ['lcp_s', 'lcp_ms', 's', ''],
      ['page', 'url', 'ms', ''],
      ['sid', 'session_id', 'ms', ''],
    ]);
  });

  it('keeps at most 5 samples per column, as given (text)', () => {
    const f = formFromProposal(proposal());
    expect(f.rows[2].samples).toEqual(['1.234', '2.5', '0.9', '3', '4']);
    expect(f.rows[3].samples).toEqual(['<img src=x onerror=alert(1)>']);
  });

  it('adds mapped columns missing from the previews, ignores unknown targets and event types', () => {
    const p = proposal({
      columns: [{ name: 'a', samples: [] }],
      mapping: {
        columns: { a: { to: 'nope' }, 'ctx.t': { to: 'ts' } },
        defaults: { event_type: 'bogus' },
        _unmapped: [],
      },
    });
    const f = formFromProposal(p);
    expect(f.rows.map((r) => [r.name, r.to])).toEqual([
      ['a', ''],
      ['ctx.t', 'ts'],
    ]);
    expect(f.eventType).toBe('');
  });
});

describe('buildMapping', () => {
  it('round-trips the proposal', () => {
    const p = proposal();
    expect(buildMapping(formFromProposal(p), canonical)).toEqual(p.mapping);
  });

  it('writes units for duration columns only and the time format for ts only', () => {
    const form: MappingForm = {
      eventType: 'error',
      rows: [
        { name: 't', samples: [], to: 'ts', unit: 's', time: 'rfc3339' },
        { name: 'l', samples: [], to: 'lcp_ms', unit: 'us', time: 'epoch_s' },
        { name: 'c', samples: [], to: 'cls', unit: 's', time: 'epoch_s' },
        { name: 'x', samples: [], to: '', unit: 'ns', time: '' },
      ],
    };
    expect(buildMapping(form, canonical)).toEqual({
      columns: { t: { to: 'ts', time: 'rfc3339' }, l: { to: 'lcp_ms', unit: 'us' }, c: { to: 'cls' } },
      defaults: { event_type: 'error' },
      _unmapped: ['x'],
    });
  });

  it('leaves the time format out when automatic, and the default out when none', () => {
    const form: MappingForm = {
      eventType: '',
      rows: [
        { name: 't', samples: [], to: 'ts', unit: 'ms', time: '' },
        { name: 'k', samples: [], to: 'event_type', unit: 'ms', time: '' },
      ],
    };
    const m = buildMapping(form, canonical);
    expect(m).toEqual({ columns: { t: { to: 'ts' }, k: { to: 'event_type' } }, defaults: {}, _unmapped: [] });
    expect('time' in (m.columns.t ?? {})).toBe(false);
  });
});

describe('validateForm', () => {
  it('accepts the proposal', () => {
    expect(validateForm(formFromProposal(proposal()))).toEqual([]);
  });

  it('requires ts to be mapped (it has no default)', () => {
    const f = formFromProposal(proposal());
    f.rows[0].to = '';
    const problems = validateForm(f);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/\bts\b/);
  });

  it('requires event_type from a column or the default', () => {
    const f = formFromProposal(proposal());
    f.eventType = '';
    expect(validateForm(f)).toEqual([expect.stringMatching(/event_type/)]);
    f.rows[1].to = 'event_type';
    expect(validateForm(f)).toEqual([]);
  });

  it('refuses two input columns mapped to one canonical column', () => {
    const f = formFromProposal(proposal());
    f.rows[1].to = 'url';
    expect(validateForm(f)).toEqual(['kind, page map to url: keep one, ignore the others.']);
  });
});
