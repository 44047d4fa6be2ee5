// The active view.
export const VIEWS = [
  { name: 'overview', label: 'Overview' },
  { name: 'trends', label: 'Trends' },
  { name: 'breakdown', label: 'Breakdown' },
  { name: 'distribution', label: 'Distribution' },
  { name: 'errors', label: 'Errors' },
  { name: 'funnels', label: 'Funnels' },
  { name: 'compare', label: 'Compare' },
] as const;

export type ViewName = (typeof VIEWS)[number]['name'];
/** `open` is the empty state / import screen. */
export type Screen = ViewName | 'open';

class ViewStore {
  current = $state<Screen>('open');

  go(screen: Screen) {
    this.current = screen;
  }

  /** Ctrl/Cmd+1…7. */
  goIndex(i: number) {
    const v = VIEWS[i];
    if (v) this.current = v.name;
  }
}

export const view = new ViewStore();
