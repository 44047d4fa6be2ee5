// How the open dataset is held (loaded into memory, or streamed from its files because it would
// not fit the memory budget), as text. The shell decides and measures; this only formats.
import type { DatasetStorage } from './app-types';
import { fmtBytes } from './format';

/** Short form for the dataset line: "In memory · 1.1 GB", "Streaming from disk". */
export function storageLabel(s: DatasetStorage): string {
  if (s.mode === 'streaming') return 'Streaming from disk';
  return s.bytes === null ? 'In memory' : `In memory · ${fmtBytes(s.bytes)}`;
}

/** Why a dataset streams and what it means (null when it is in memory). */
export function storageNotice(s: DatasetStorage): string | null {
  if (s.mode !== 'streaming') return null;
  const why =
    s.bytes === null
      ? `it would not fit the ${fmtBytes(s.budget_bytes)} memory budget`
      : `about ${fmtBytes(s.bytes)} would not fit the ${fmtBytes(s.budget_bytes)} memory budget`;
  return `Streaming from disk: ${why}, so each view scans the files (slower).`;
}
