// The report sections of every view: each view, while shown, keeps its entry up to date with
// its options (what is on screen); a view not visited since the dataset was opened has its
// default options. The Export menu and the Export report dialog read from here.
import { untrack } from 'svelte';
import type { DatasetInfo } from '../app-types';
import type { Section } from '../bindings/Section';
import { defaultSections } from '../report';
import { dataset } from './dataset.svelte';
import type { ViewName } from './view.svelte';

interface Entry {
  /** The dataset the options were chosen on (a newly opened one starts from the defaults). */
  info: DatasetInfo | null;
  sections: Section[];
}

class ReportStore {
  #byView = $state.raw<Partial<Record<ViewName, Entry>>>({});

  /** A view's current options as sections (call from the view's effect). */
  set(view: ViewName, sections: Section[]) {
    untrack(() => {
      this.#byView = { ...this.#byView, [view]: { info: dataset.info, sections } };
    });
  }

  /** The sections of `view`: as last shown on this dataset, or its defaults. */
  sections(view: ViewName): Section[] {
    const e = this.#byView[view];
    if (e && e.info === dataset.info) return e.sections;
    return defaultSections(view, (c) => dataset.values(c));
  }
}

export const report = new ReportStore();
