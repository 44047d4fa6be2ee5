import { describe, expect, it } from 'vitest';
import type { DatasetStorage } from '../src/lib/app-types';
import { storageLabel, storageNotice } from '../src/lib/storage';

const memory: DatasetStorage = { mode: 'memory', bytes: 1_100_000_000, budget_bytes: 9_600_000_000 };
const streaming: DatasetStorage = { mode: 'streaming', bytes: 12_000_000_000, budget_bytes: 9_600_000_000 };

describe('dataset storage', () => {
  it('labels the dataset line', () => {
    expect(storageLabel(memory)).toBe('In memory · 1.1 GB');
    expect(storageLabel({ ...memory, bytes: null })).toBe('In memory');
    expect(storageLabel(streaming)).toBe('Streaming from disk');
  });

  it('explains streaming, and says nothing for a dataset in memory', () => {
    expect(storageNotice(streaming)).toBe(
      'Streaming from disk: about 12.0 GB would not fit the 9.6 GB memory budget, so each view scans the files (slower).',
    );
    expect(storageNotice({ ...streaming, bytes: null })).toBe(
      'Streaming from disk: it would not fit the 9.6 GB memory budget, so each view scans the files (slower).',
    );
    expect(storageNotice(memory)).toBeNull();
  });
});
