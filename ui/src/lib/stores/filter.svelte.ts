// The current Filter, shared by every view and the filter bar.
import type { Filter } from '../bindings/Filter';
import * as ops from '../filter';

export class FilterStore {
  filter = $state<Filter>(ops.emptyFilter());

  /** A plain (non-reactive) copy, to send to the shell. */
  snapshot(): Filter {
    return $state.snapshot(this.filter) as Filter;
  }

  get empty(): boolean {
    return ops.isEmptyFilter(this.filter);
  }

  get description(): string {
    return ops.describeFilter(this.filter);
  }

  dim(column: string) {
    return ops.dimOf(this.filter, column);
  }

  include(column: string, value: string) {
    this.filter = ops.include(this.snapshot(), column, value);
  }

  exclude(column: string, value: string) {
    this.filter = ops.exclude(this.snapshot(), column, value);
  }

  toggle(column: string, value: string) {
    this.filter = ops.toggleValue(this.snapshot(), column, value);
  }

  setNegate(column: string, negate: boolean) {
    this.filter = ops.setNegate(this.snapshot(), column, negate);
  }

  only(column: string, value: string) {
    this.filter = ops.only(this.snapshot(), column, value);
  }

  clearColumn(column: string) {
    this.filter = ops.clearColumn(this.snapshot(), column);
  }

  setTimeRange(from_ms: number | null, to_ms: number | null) {
    this.filter = ops.setTimeRange(this.snapshot(), from_ms, to_ms);
  }

  clearTime() {
    this.filter = ops.clearTime(this.snapshot());
  }

  clearAll() {
    this.filter = ops.emptyFilter();
  }

  set(f: Filter) {
    this.filter = ops.setTimeRange(f, f.from_ms, f.to_ms);
  }
}

export const filters = new FilterStore();
