// The open dataset, the running import and the recent files list.
import * as api from '../api';
import type { AppError, DatasetInfo, ImportProgress, RecentFile } from '../app-types';
import type { CacheInfo } from '../bindings/CacheInfo';
import type { DimensionSummary } from '../bindings/DimensionSummary';
import type { Mapping, MappingProposal } from '../mapping';
import { filters } from './filter.svelte';
import { view } from './view.svelte';

class DatasetStore {
  info = $state<DatasetInfo | null>(null);
  /** An import is running. */
  importing = $state(false);
  progress = $state<ImportProgress | null>(null);
  /** When the running import started and when its last progress message arrived (ms, page clock). */
  startedAt = $state(0);
  progressAt = $state(0);
  /** Paths being imported (for the progress panel). */
  importingPaths = $state<string[]>([]);
  /** Outcome of the last failed (or cancelled) import or dialog. */
  error = $state<AppError | null>(null);
  recent = $state<RecentFile[]>([]);
  /** The import cache's folder and size (null until known or without a shell). */
  cache = $state<CacheInfo | null>(null);
  /** The reject report banner was closed. */
  rejectsDismissed = $state(false);
  /** The "streaming from disk" notice was closed (the dataset line still says so). */
  storageDismissed = $state(false);
  /** Files no format recognised, with the shell's mapping proposal for the first: the mapping
   *  dialog is open while set. */
  mappingFor = $state<{ paths: string[]; proposal: MappingProposal } | null>(null);

  dimension(column: string): DimensionSummary | undefined {
    return this.info?.summary.dimensions.find((d) => d.column === column);
  }

  /** Values of a dimension in the whole dataset (non-null, most frequent first). */
  values(column: string): string[] {
    return (this.dimension(column)?.values ?? []).flatMap((v) => (v.value === null ? [] : [v.value]));
  }

  #onProgress = (p: ImportProgress) => {
    this.progress = p;
    this.progressAt = performance.now();
  };

  /** Runs an import; resolves to the error when it failed (null when it succeeded or did not start). */
  async #run(paths: string[], start: () => Promise<DatasetInfo>): Promise<AppError | null> {
    if (this.importing) return null;
    this.mappingFor = null; // any new import replaces the mapping dialog
    this.importing = true;
    this.importingPaths = paths;
    this.progress = null;
    this.error = null;
    this.startedAt = performance.now();
    this.progressAt = this.startedAt;
    view.go('open');
    try {
      const info = await start();
      this.info = info;
      this.rejectsDismissed = false;
      this.storageDismissed = false;
      filters.clearAll();
      view.go('overview');
      return null;
    } catch (e) {
      this.error = e as AppError;
      return this.error;
    } finally {
      this.importing = false;
      this.progress = null;
      void this.loadRecent();
    }
  }

  /** Open files; when no format recognises them, ask the shell for a column mapping and show
   *  the mapping dialog (the `unknown_format` error stays shown behind it and after Cancel). */
  async open(paths: string[]) {
    if (paths.length === 0) return;
    const err = await this.#run(paths, () => api.openDataset(paths, this.#onProgress));
    if (err?.code !== 'unknown_format') return;
    try {
      const proposal = await api.suggestMapping(paths[0]);
      this.mappingFor = { paths, proposal };
    } catch (e) {
      this.error = e as AppError;
    }
  }

  /** The mapping dialog's "Open with this mapping": import again with the mapping, and have the
   *  shell remember it for files with the same columns. */
  async openWithMapping(mapping: Mapping) {
    const m = this.mappingFor;
    if (!m || this.importing) return;
    await this.#run(m.paths, () => api.openDataset(m.paths, this.#onProgress, { mapping, rememberMapping: true }));
  }

  closeMapping() {
    this.mappingFor = null;
  }

  async openSample() {
    await this.#run(['sample data'], () => api.openSample(this.#onProgress));
  }

  async cancel() {
    try {
      await api.cancelImport();
    } catch (e) {
      this.error = e as AppError;
    }
  }

  /** Native dialog, then import what was picked (nothing when the dialog is cancelled). */
  async pickAndOpen(folder: boolean) {
    if (this.importing) return;
    let paths: string[];
    try {
      paths = await api.pickPaths(folder);
    } catch (e) {
      this.error = e as AppError;
      view.go('open');
      return;
    }
    await this.open(paths);
  }

  /** At start: open the paths given on the command line, if any. */
  async openStartup() {
    let paths: string[] = [];
    try {
      paths = await api.startupPaths();
    } catch {
      return; // no shell, or a shell without the command: start on the Open view
    }
    if (paths.length && !this.info && !this.importing) await this.open(paths);
  }

  async loadRecent() {
    try {
      this.recent = await api.recentFiles();
    } catch {
      // the list is a convenience: keep the old one
    }
    try {
      this.cache = await api.importCacheInfo();
    } catch {
      this.cache = null;
    }
  }

  async clearCache() {
    try {
      this.cache = await api.clearImportCache();
    } catch (e) {
      this.error = e as AppError;
    }
  }
}

export const dataset = new DatasetStore();
