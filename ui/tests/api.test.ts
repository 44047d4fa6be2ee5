import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReportSpec } from '../src/lib/bindings/ReportSpec';

// The shell is mocked: `invoke` is a spy, `Channel` a stand-in that keeps its handler.
const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (cmd: string, args?: Record<string, unknown>) => invoke(cmd, args),
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));

const api = await import('../src/lib/api');
const { emptyFilter } = await import('../src/lib/filter');
const { trendSection } = await import('../src/lib/report');

/** A promise whose outcome the test decides. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let viewNo = 0;
const freshView = () => `test-view-${++viewNo}`;

beforeEach(() => invoke.mockReset());

describe('latest(view)', () => {
  it('numbers the queries of a view 1, 2, 3… and passes seq and view', async () => {
    const view = freshView();
    const l = api.latest(view);
    const seen: [number, string][] = [];
    await l.run(async (s, v) => void seen.push([s, v]));
    await l.run(async (s, v) => void seen.push([s, v]));
    await l.run(async (s, v) => void seen.push([s, v]));
    expect(seen).toEqual([
      [1, view],
      [2, view],
      [3, view],
    ]);
    expect(l.seq).toBe(3);
  });

  it('keeps counting across handles of the same view, separately per view', async () => {
    const view = freshView();
    const other = freshView();
    await api.latest(view).run(async () => 0);
    await api.latest(view).run(async () => 0);
    let s3 = 0;
    await api.latest(view).run(async (s) => void (s3 = s));
    let o1 = 0;
    await api.latest(other).run(async (s) => void (o1 = s));
    expect(s3).toBe(3);
    expect(o1).toBe(1);
  });

  it('drops a result that arrives after a newer query started', async () => {
    const l = api.latest(freshView());
    const first = deferred<string>();
    const second = deferred<string>();
    const p1 = l.run(() => first.promise);
    const p2 = l.run(() => second.promise);
    second.resolve('new');
    first.resolve('old'); // arrives last, but is older
    expect(await p2).toBe('new');
    expect(await p1).toBeUndefined();
  });

  it('drops an older result even when it arrives first', async () => {
    const l = api.latest(freshView());
    const first = deferred<string>();
    const second = deferred<string>();
    const p1 = l.run(() => first.promise);
    const p2 = l.run(() => second.promise);
    first.resolve('old');
    expect(await p1).toBeUndefined();
    second.resolve('new');
    expect(await p2).toBe('new');
  });

  it('swallows superseded errors', async () => {
    const l = api.latest(freshView());
    await expect(l.run(() => Promise.reject({ code: 'superseded', message: 'newer query' }))).resolves.toBeUndefined();
  });

  it('swallows any error of a stale query', async () => {
    const l = api.latest(freshView());
    const first = deferred<string>();
    const p1 = l.run(() => first.promise);
    const p2 = l.run(async () => 'ok');
    first.reject({ code: 'engine', message: 'boom' });
    await expect(p1).resolves.toBeUndefined();
    await expect(p2).resolves.toBe('ok');
  });

  it('rejects with an AppError when the newest query fails', async () => {
    const l = api.latest(freshView());
    await expect(l.run(() => Promise.reject({ code: 'no_dataset', message: 'open a dataset first' }))).rejects.toEqual({
      code: 'no_dataset',
      message: 'open a dataset first',
    });
    await expect(l.run(() => Promise.reject(new Error('bridge down')))).rejects.toEqual({ code: 'ipc', message: 'bridge down' });
  });

  it('cancel() makes the queries in flight stale', async () => {
    const l = api.latest(freshView());
    const d = deferred<string>();
    const p = l.run(() => d.promise);
    l.cancel();
    d.resolve('late');
    expect(await p).toBeUndefined();
  });

  it('works end to end with a command wrapper', async () => {
    const view = freshView();
    const l = api.latest(view);
    const slow = deferred<unknown>();
    invoke.mockImplementationOnce(() => slow.promise).mockImplementationOnce(async () => ({ views: 2 }));
    const f = emptyFilter();
    const p1 = l.run((s, v) => api.overview(s, v, f));
    const p2 = l.run((s, v) => api.overview(s, v, f));
    slow.reject({ code: 'superseded', message: 'x' });
    expect(await p1).toBeUndefined();
    expect(await p2).toEqual({ views: 2 });
    expect(invoke.mock.calls).toEqual([
      ['overview', { seq: 1, view, filter: f }],
      ['overview', { seq: 2, view, filter: f }],
    ]);
  });
});

describe('command wrappers', () => {
  it('call the commands of docs/ipc.md with their argument keys', async () => {
    invoke.mockResolvedValue(null);
    const f = emptyFilter();
    const g = { ...emptyFilter(), from_ms: 1 };
    const onProgress = () => {};
    await api.openDataset(['/data/a.parquet'], onProgress);
    await api.openSample(onProgress);
    await api.cancelImport();
    await api.pickPaths(true);
    await api.recentFiles();
    await api.startupPaths();
    await api.overview(1, 'v', f);
    await api.summary(2, 'v', f);
    await api.breakdown(3, 'v', f, { metric: 'lcp', by: ['device_type'], event_type: null, min_n: 50 });
    await api.trend(4, 'v', f, { metric: 'lcp', stat: 'p75', bucket: 'auto', by: null, event_type: null, max_series: 10, ci: false });
    await api.hist(5, 'v', f, { metric: 'lcp', bins: 50, log: false, min: null, max: null, event_type: null });
    await api.errors(6, 'v', f, { limit: 50, by: null, bucket: { ms: 3_600_000 }, top: 3, heatmap_for: null });
    await api.funnel(7, 'v', f, { steps: ['/', '/cart'], mode: 'ordered', by: null });
    await api.compare(8, 'v', f, g);
    const mapping = { columns: { t: { to: 'ts', time: 'epoch_s' as const } }, defaults: { event_type: 'view' }, _unmapped: [] };
    await api.openDataset(['/data/b.ndjson'], onProgress, { mapping, rememberMapping: true });
    await api.suggestMapping('/data/b.ndjson');
    const section = trendSection({ metric: 'lcp_ms', stat: 'p75', bucket: 'auto', by: '' });
    await api.reportSpec('Weekly', [section], f);
    const spec = { title: 'Weekly' } as unknown as ReportSpec;
    await api.saveReportSpec(spec);
    await api.exportReport(spec, 'pdf', onProgress);
    await api.cancelExport();
    await api.exportChart(section, f, 'png');
    await api.exportTable(section, f);

    const calls = invoke.mock.calls.map(([cmd, args]) => [cmd, args ? Object.keys(args).sort() : []]);
    expect(calls).toEqual([
      ['open_dataset', ['onProgress', 'paths']],
      ['open_sample', ['onProgress']],
      ['cancel_import', []],
      ['pick_paths', ['folder']],
      ['recent_files', []],
      ['startup_paths', []],
      ['overview', ['filter', 'seq', 'view']],
      ['summary', ['filter', 'seq', 'view']],
      ['breakdown', ['filter', 'opts', 'seq', 'view']],
      ['trend', ['filter', 'opts', 'seq', 'view']],
      ['hist', ['filter', 'opts', 'seq', 'view']],
      ['errors', ['filter', 'opts', 'seq', 'view']],
      ['funnel', ['filter', 'opts', 'seq', 'view']],
      ['compare', ['a', 'b', 'seq', 'view']],
      ['open_dataset', ['mapping', 'onProgress', 'paths', 'rememberMapping']],
      ['suggest_mapping', ['path']],
      ['report_spec', ['filter', 'sections', 'title']],
      ['save_report_spec', ['spec']],
      ['export_report', ['format', 'onProgress', 'spec']],
      ['cancel_export', []],
      ['export_chart', ['filter', 'format', 'section']],
      ['export_table', ['filter', 'section']],
    ]);
    expect(invoke.mock.calls[0][1].paths).toEqual(['/data/a.parquet']);
    expect(invoke.mock.calls[3][1]).toEqual({ folder: true });
    expect(invoke.mock.calls[13][1]).toMatchObject({ seq: 8, view: 'v', a: f, b: g });
    expect(invoke.mock.calls[14][1]).toMatchObject({ paths: ['/data/b.ndjson'], mapping, rememberMapping: true });
    expect(invoke.mock.calls[15][1]).toEqual({ path: '/data/b.ndjson' });
    // Exports name no path: the shell's save dialog chooses where files go.
    expect(invoke.mock.calls[16][1]).toEqual({ title: 'Weekly', sections: [section], filter: f });
    expect(invoke.mock.calls[18][1]).toMatchObject({ spec, format: 'pdf' });
    expect(invoke.mock.calls[20][1]).toEqual({ section, filter: f, format: 'png' });
    for (const [, args] of invoke.mock.calls.slice(16)) {
      expect(JSON.stringify(args ?? {})).not.toMatch(/path/i);
    }
  });

  it('forwards progress messages from the channel', async () => {
    let channel: { onmessage: (m: unknown) => void } | undefined;
    invoke.mockImplementationOnce(async (_cmd: string, args: { onProgress: typeof channel }) => {
      channel = args.onProgress;
      channel?.onmessage({ done_bytes: 5, total_bytes: 10, rows: null, finished: false });
      return { paths: [], sample: true };
    });
    const seen: unknown[] = [];
    await api.openSample((p) => seen.push(p));
    expect(seen).toEqual([{ done_bytes: 5, total_bytes: 10, rows: null, finished: false }]);
  });

  it('turns every rejection into an AppError', async () => {
    invoke.mockRejectedValueOnce({ code: 'bad_file', message: 'not parquet', extra: 1 });
    await expect(api.recentFiles()).rejects.toEqual({ code: 'bad_file', message: 'not parquet' });
    invoke.mockRejectedValueOnce('command foo not found');
    await expect(api.recentFiles()).rejects.toEqual({ code: 'ipc', message: 'command foo not found' });
    expect(api.toAppError(42)).toEqual({ code: 'ipc', message: '42' });
    expect(api.isAppError({ code: 'x', message: 'y' })).toBe(true);
    expect(api.isAppError({ code: 'x' })).toBe(false);
  });
});

describe('ViewQuery (reactive latest-wins state of a view)', async () => {
  const { ViewQuery } = await import('../src/lib/stores/query.svelte');

  it('keeps only the newest result and clears the error', async () => {
    const q = new ViewQuery<string>(freshView());
    const slow = deferred<string>();
    const p1 = q.run(() => slow.promise);
    const p2 = q.run(async () => 'newest');
    await p2;
    expect(q.data).toBe('newest');
    expect(q.loading).toBe(false);
    slow.resolve('stale');
    await p1;
    expect(q.data).toBe('newest');
  });

  it('exposes the newest error and ignores superseded', async () => {
    const q = new ViewQuery<string>(freshView());
    await q.run(() => Promise.reject({ code: 'superseded', message: 'x' }));
    expect(q.error).toBeNull();
    await q.run(() => Promise.reject({ code: 'invalid_argument', message: 'unknown metric' }));
    expect(q.error).toEqual({ code: 'invalid_argument', message: 'unknown metric' });
    expect(q.loading).toBe(false);
    await q.run(async () => 'ok');
    expect(q.error).toBeNull();
    expect(q.data).toBe('ok');
  });
});
