// The only place the UI talks to the desktop shell: one typed function per command of
// docs/ipc.md, and `latest(view)`, which numbers the queries of a view and keeps only the
// newest answer. Every failure surfaces as an `AppError` `{ code, message }`.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  ChartFormat,
  DatasetInfo,
  ExportProgress,
  ImportProgress,
  MappingProposal,
  RecentFile,
  ReportFormat,
} from './app-types';
import type { Breakdown } from './bindings/Breakdown';
import type { CacheInfo } from './bindings/CacheInfo';
import type { BreakdownOptions } from './bindings/BreakdownOptions';
import type { Compare } from './bindings/Compare';
import type { Errors } from './bindings/Errors';
import type { ErrorsOptions } from './bindings/ErrorsOptions';
import type { Filter } from './bindings/Filter';
import type { Funnel } from './bindings/Funnel';
import type { FunnelOptions } from './bindings/FunnelOptions';
import type { HistOptions } from './bindings/HistOptions';
import type { Mapping } from './bindings/Mapping';
import type { Histogram } from './bindings/Histogram';
import type { Overview } from './bindings/Overview';
import type { ReportSpec } from './bindings/ReportSpec';
import type { Section } from './bindings/Section';
import type { Summary } from './bindings/Summary';
import type { Trend } from './bindings/Trend';
import type { TrendOptions } from './bindings/TrendOptions';

/** Error codes of docs/ipc.md and bindings/AppError.ts, plus `ipc` (UI only) for failures of
 *  the bridge itself: no desktop shell, a command the shell does not know. */
export const ERROR_CODES = [
  'bad_file',
  'no_input',
  'invalid_argument',
  'cancelled',
  'io',
  'engine',
  'no_dataset',
  'superseded',
  'internal',
  'unknown_format',
  'bad_spec',
  'render',
  'ipc',
] as const;

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as AppError).code === 'string' &&
    typeof (e as AppError).message === 'string'
  );
}

/** Any rejection as an AppError. The shell rejects with `{code, message}`; anything else
 *  (Tauri missing, a command the shell does not know) becomes code `ipc`. */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { code: e.code, message: e.message };
  if (typeof e === 'string') return { code: 'ipc', message: e };
  if (e instanceof Error) return { code: 'ipc', message: e.message };
  return { code: 'ipc', message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

function progressChannel<P = ImportProgress>(onProgress: (p: P) => void): Channel<P> {
  const ch = new Channel<P>();
  ch.onmessage = onProgress;
  return ch;
}

// ---- dataset -------------------------------------------------------------------------------

export interface OpenOptions {
  /** Column mapping for files no format recognises (see `suggestMapping`). */
  mapping?: Mapping | null;
  /** Save `mapping` for files with the same columns (`suggestMapping` then returns it, `saved: true`). */
  rememberMapping?: boolean;
}

/** Import files / folders; progress arrives on `onProgress`. Rejects with `cancelled` after
 *  `cancelImport`, with `unknown_format` when no format recognises a file (and no mapping was given). */
export function openDataset(
  paths: string[],
  onProgress: (p: ImportProgress) => void,
  opts: OpenOptions = {},
): Promise<DatasetInfo> {
  const args: Record<string, unknown> = { paths, onProgress: progressChannel(onProgress) };
  if (opts.mapping !== undefined) args.mapping = opts.mapping;
  if (opts.rememberMapping !== undefined) args.rememberMapping = opts.rememberMapping;
  return call<DatasetInfo>('open_dataset', args);
}

/** A column mapping proposed for a file (or the one saved for files with its columns), with
 *  sample values of its columns and the canonical columns to choose from. */
export function suggestMapping(path: string): Promise<MappingProposal> {
  return call<MappingProposal>('suggest_mapping', { path });
}

/** Open the bundled sample data. */
export function openSample(onProgress: (p: ImportProgress) => void): Promise<DatasetInfo> {
  return call<DatasetInfo>('open_sample', { onProgress: progressChannel(onProgress) });
}

/** Stop the running import. */
export function cancelImport(): Promise<null> {
  return call<null>('cancel_import');
}

/** Native file (or folder) dialog; empty when cancelled. */
export function pickPaths(folder: boolean): Promise<string[]> {
  return call<string[]>('pick_paths', { folder });
}

/** Paths given on the app's command line (the UI opens them at start); empty when none. */
export function startupPaths(): Promise<string[]> {
  return call<string[]>('startup_paths');
}

/** The import cache (parsed NDJSON / vendor exports kept as Parquet): folder and size. */
export function importCacheInfo(): Promise<CacheInfo> {
  return call<CacheInfo>('import_cache_info');
}

/** Empty the import cache. */
export function clearImportCache(): Promise<CacheInfo> {
  return call<CacheInfo>('clear_import_cache');
}

/** Recently opened datasets, newest first. */
export function recentFiles(): Promise<RecentFile[]> {
  return call<RecentFile[]>('recent_files');
}

// ---- queries -------------------------------------------------------------------------------

export function overview(seq: number, view: string, filter: Filter): Promise<Overview> {
  return call<Overview>('overview', { seq, view, filter });
}

export function summary(seq: number, view: string, filter: Filter): Promise<Summary> {
  return call<Summary>('summary', { seq, view, filter });
}

export function breakdown(seq: number, view: string, filter: Filter, opts: BreakdownOptions): Promise<Breakdown> {
  return call<Breakdown>('breakdown', { seq, view, filter, opts });
}

export function trend(seq: number, view: string, filter: Filter, opts: TrendOptions): Promise<Trend> {
  return call<Trend>('trend', { seq, view, filter, opts });
}

export function hist(seq: number, view: string, filter: Filter, opts: HistOptions): Promise<Histogram> {
  return call<Histogram>('hist', { seq, view, filter, opts });
}

export function errors(seq: number, view: string, filter: Filter, opts: ErrorsOptions): Promise<Errors> {
  return call<Errors>('errors', { seq, view, filter, opts });
}

export function funnel(seq: number, view: string, filter: Filter, opts: FunnelOptions): Promise<Funnel> {
  return call<Funnel>('funnel', { seq, view, filter, opts });
}

export function compare(seq: number, view: string, a: Filter, b: Filter): Promise<Compare> {
  return call<Compare>('compare', { seq, view, a, b });
}

// ---- export -------------------------------------------------------------------------------
// Where files go is asked by the shell's native save dialog; nothing here names a path. Each
// export resolves to the written path(s), or null when the dialog was cancelled.

/** The report spec of `sections` over the open dataset, with `filter` as the report's filters. */
export function reportSpec(title: string, sections: Section[], filter: Filter): Promise<ReportSpec> {
  return call<ReportSpec>('report_spec', { title, sections, filter });
}

/** Save dialog (.json), then the spec; `rumlens report SPEC --out FILE` re-runs it. */
export function saveReportSpec(spec: ReportSpec): Promise<string | null> {
  return call<string | null>('save_report_spec', { spec });
}

/** Save dialog (a folder for CSV), then the report over the open dataset; `(done, total)`
 *  sections arrive on `onProgress`. Rejects with `cancelled` after `cancelExport`. */
export function exportReport(
  spec: ReportSpec,
  format: ReportFormat,
  onProgress: (p: ExportProgress) => void,
): Promise<string[] | null> {
  return call<string[] | null>('export_report', { spec, format, onProgress: progressChannel(onProgress) });
}

/** Stop the running report export. */
export function cancelExport(): Promise<null> {
  return call<null>('cancel_export');
}

/** Save dialog, then one view's chart (drawn as in reports). */
export function exportChart(section: Section, filter: Filter, format: ChartFormat): Promise<string | null> {
  return call<string | null>('export_chart', { section, filter, format });
}

/** Save dialog, then one view's main table as CSV. */
export function exportTable(section: Section, filter: Filter): Promise<string | null> {
  return call<string | null>('export_table', { section, filter });
}

// ---- latest wins ---------------------------------------------------------------------------

/** A query of one view, given its sequence number and view name. */
export type Query<T> = (seq: number, view: string) => Promise<T>;

export interface Latest {
  readonly view: string;
  /**
   * Run `query` with the view's next sequence number. Resolves to its result while it is the
   * newest query of the view, to `undefined` once a newer one started (or on `superseded`).
   * Rejects with an AppError when the newest query fails.
   */
  run<T>(query: Query<T>): Promise<T | undefined>;
  /** Forget the queries in flight (their results will be dropped). */
  cancel(): void;
  /** The newest sequence number given out for this view (0 before the first). */
  readonly seq: number;
}

// One counter per view for the whole life of the page: the shell drops a query whose seq is
// older than the newest it saw for the view, so numbers must keep increasing even when a view
// is unmounted and mounted again.
const newest = new Map<string, number>();

/** The latest-wins helper of a view. Several handles of one view share its counter. */
export function latest(view: string): Latest {
  const next = () => {
    const seq = (newest.get(view) ?? 0) + 1;
    newest.set(view, seq);
    return seq;
  };
  return {
    view,
    get seq() {
      return newest.get(view) ?? 0;
    },
    cancel() {
      next();
    },
    async run<T>(query: Query<T>): Promise<T | undefined> {
      const seq = next();
      try {
        const result = await query(seq, view);
        return newest.get(view) === seq ? result : undefined;
      } catch (e) {
        const err = toAppError(e);
        if (err.code === 'superseded' || newest.get(view) !== seq) return undefined;
        throw err;
      }
    },
  };
}
