// Light / dark theme. Follows the OS (`prefers-color-scheme`) unless the user picks one.
export type ThemeMode = 'system' | 'light' | 'dark';

const KEY = 'rumlens.theme';

class ThemeStore {
  mode = $state<ThemeMode>('system');
  #systemDark = $state(false);
  dark = $derived(this.mode === 'dark' || (this.mode === 'system' && this.#systemDark));

  /** Start following the OS; call once from the app root. Returns a cleanup function. */
  init(): () => void {
    if (typeof window === 'undefined') return () => {};
    try {
      const saved = window.localStorage.getItem(KEY);
      if (saved === 'light' || saved === 'dark' || saved === 'system') this.mode = saved;
    } catch {
      // storage unavailable: keep following the OS
    }
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = mq.matches;
    const onChange = (e: MediaQueryListEvent) => (this.#systemDark = e.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }

  set(mode: ThemeMode) {
    this.mode = mode;
    try {
      window.localStorage.setItem(KEY, mode);
    } catch {
      // not persisted
    }
  }

  /** system → light → dark → system. */
  cycle() {
    this.set(this.mode === 'system' ? 'light' : this.mode === 'light' ? 'dark' : 'system');
  }
}

export const theme = new ThemeStore();
