// Reactive state of one view's query: the newest result, its error, and whether one is running.
import { latest, type Latest, type Query } from '../api';
import type { AppError } from '../app-types';

export class ViewQuery<T> {
  data = $state<T | null>(null);
  error = $state<AppError | null>(null);
  loading = $state(false);
  #latest: Latest;

  constructor(view: string) {
    this.#latest = latest(view);
  }

  /** Run a query; only the newest one's outcome is kept. */
  run(query: Query<T>): Promise<void> {
    this.loading = true;
    return this.#latest.run(query).then(
      (r) => {
        if (r === undefined) return;
        this.data = r;
        this.error = null;
        this.loading = false;
      },
      (e: AppError) => {
        this.error = e;
        this.loading = false;
      },
    );
  }

  /** Drop the queries in flight (e.g. when the view goes away). */
  cancel() {
    this.#latest.cancel();
    this.loading = false;
  }

  reset() {
    this.cancel();
    this.data = null;
    this.error = null;
  }
}
