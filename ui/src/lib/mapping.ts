// Pure logic of the column-mapping dialog (components/MappingDialog.svelte): the form state
// built from a `MappingProposal`, the `Mapping` built from the form, and its validation. The
// shell re-validates the mapping (crates/engine/src/import/mapping.rs); these checks only keep
// the user from submitting a mapping that is sure to be refused.

import type { CanonicalColumn } from './bindings/CanonicalColumn';
import type { ColumnMap } from './bindings/ColumnMap';
import type { Mapping } from './bindings/Mapping';
import type { MappingProposal } from './app-types';
import type { TimeFormat } from './bindings/TimeFormat';
import type { Unit } from './bindings/Unit';

export type { CanonicalColumn, ColumnMap, Mapping, MappingProposal, TimeFormat, Unit };
export type { ColumnPreview } from './bindings/ColumnPreview';

export const UNITS: readonly Unit[] = ['ms', 's', 'us', 'ns'];
export const TIME_FORMATS: readonly TimeFormat[] = ['epoch_ms', 'epoch_s', 'epoch_us', 'epoch_ns', 'rfc3339'];
/** Event types of the canonical schema (docs/schema.md). */
export const EVENT_TYPES = ['view', 'error', 'resource', 'action', 'long_task', 'vital'] as const;

export const UNIT_LABELS: Record<Unit, string> = {
  ms: 'milliseconds (ms)',
  s: 'seconds (s)',
  us: 'microseconds (us)',
  ns: 'nanoseconds (ns)',
};
export const TIME_LABELS: Record<TimeFormat | '', string> = {
  '': 'automatic (numbers epoch ms, text RFC 3339)',
  epoch_ms: 'epoch milliseconds',
  epoch_s: 'epoch seconds',
  epoch_us: 'epoch microseconds',
  epoch_ns: 'epoch nanoseconds',
  rfc3339: 'RFC 3339 text',
};

/** The dialog's state for one input column. */
export interface RowState {
  /** Input column name (a dotted path into nested JSON records). */
  name: string;
  /** Up to 5 sample values, as text. */
  samples: string[];
  /** Canonical column it maps to; '' = ignore. */
  to: string;
  /** Unit, used when `to` is a duration column. */
  unit: Unit;
  /** Timestamp format, used when `to` is `ts`; '' = automatic (the engine's default). */
  time: TimeFormat | '';
}

export interface MappingForm {
  rows: RowState[];
  /** Default event_type ('' = none: an input column must map to event_type). */
  eventType: string;
}

const isUnit = (u: unknown): u is Unit => typeof u === 'string' && (UNITS as readonly string[]).includes(u);
const isTime = (t: unknown): t is TimeFormat => typeof t === 'string' && (TIME_FORMATS as readonly string[]).includes(t);

/** The form, pre-filled from the proposal (its suggested or saved mapping). One row per input
 *  column, in the proposal's order; columns of the mapping missing from the previews are added
 *  after them without samples. */
export function formFromProposal(p: MappingProposal): MappingForm {
  const cols = p.mapping.columns;
  const canonical = new Set(p.canonical.map((c) => c.name));
  const row = (name: string, samples: string[]): RowState => {
    const cm = cols[name];
    const to = cm && canonical.has(cm.to) ? cm.to : '';
    return {
      name,
      samples: samples.slice(0, 5),
      to,
      unit: isUnit(cm?.unit) ? cm.unit : 'ms',
      time: isTime(cm?.time) ? cm.time : '',
    };
  };
  const rows = p.columns.map((c) => row(c.name, c.samples));
  const seen = new Set(rows.map((r) => r.name));
  for (const name of Object.keys(cols)) if (!seen.has(name)) rows.push(row(name, []));
  const ev = p.mapping.defaults?.event_type;
  const eventType = typeof ev === 'string' && (EVENT_TYPES as readonly string[]).includes(ev) ? ev : '';
  return { rows, eventType };
}

/** The Mapping the form describes: mapped rows with their unit (duration columns) or time
 *  format (`ts`, when not automatic), the default event_type, ignored columns in `_unmapped`. */
export function buildMapping(form: MappingForm, canonical: CanonicalColumn[]): Mapping {
  const byName = new Map(canonical.map((c) => [c.name, c]));
  const columns: Mapping['columns'] = {};
  const unmapped: string[] = [];
  for (const r of form.rows) {
    const def = r.to ? byName.get(r.to) : undefined;
    if (!def) {
      unmapped.push(r.name);
      continue;
    }
    const cm: ColumnMap = { to: def.name };
    if (def.duration) cm.unit = r.unit;
    if (def.name === 'ts' && r.time) cm.time = r.time;
    columns[r.name] = cm;
  }
  const defaults: NonNullable<Mapping['defaults']> = {};
  if (form.eventType) defaults.event_type = form.eventType;
  return { columns, defaults, _unmapped: unmapped };
}

/** Why the form cannot be submitted (empty when it can): `ts` must come from an input column,
 *  `event_type` from a column or the default, and no canonical column from two input columns. */
export function validateForm(form: MappingForm): string[] {
  const problems: string[] = [];
  const sources = new Map<string, string[]>();
  for (const r of form.rows) if (r.to) sources.set(r.to, [...(sources.get(r.to) ?? []), r.name]);
  if (!sources.has('ts')) problems.push('Map one column to ts (the event time): it has no default.');
  if (!sources.has('event_type') && !form.eventType)
    problems.push('Map one column to event_type or choose a default event type.');
  for (const [to, names] of sources)
    if (names.length > 1) problems.push(`${names.join(', ')} map to ${to}: keep one, ignore the others.`);
  return problems;
}
