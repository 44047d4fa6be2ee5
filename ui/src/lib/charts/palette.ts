// Colours. Okabe–Ito (colour-blind safe). The three Core Web Vitals bands use the same
// bluish green / orange / vermillion everywhere (tiles, tables, charts), in both themes.

export interface Palette {
  dark: boolean;
  text: string;
  muted: string;
  axis: string;
  grid: string;
  background: string;
  tooltipBg: string;
  good: string;
  ni: string;
  poor: string;
  /** Bars and marks without a rating. */
  neutral: string;
  /** Series colours, in order; beyond them series repeat with a dashed line. */
  series: string[];
  /** The `(other)` series of a split. */
  other: string;
}

export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

const O = OKABE_ITO;

const LIGHT: Palette = {
  dark: false,
  text: '#1f2328',
  muted: '#59636e',
  axis: '#8c959f',
  grid: '#e6e8eb',
  background: '#ffffff',
  tooltipBg: '#ffffff',
  good: O.bluishGreen,
  ni: O.orange,
  poor: O.vermillion,
  neutral: O.blue,
  series: [O.blue, O.orange, O.bluishGreen, O.reddishPurple, O.skyBlue, O.vermillion, '#7f6a00', O.black],
  other: '#9aa0a6',
};

const DARK: Palette = {
  dark: true,
  text: '#e6e8eb',
  muted: '#9ba3ad',
  axis: '#6e7681',
  grid: '#2d333b',
  background: '#16191d',
  tooltipBg: '#22272e',
  good: O.bluishGreen,
  ni: O.orange,
  poor: O.vermillion,
  neutral: O.skyBlue,
  series: [O.skyBlue, O.orange, O.bluishGreen, O.reddishPurple, O.yellow, O.vermillion, '#8fb3ff', '#d0d4d9'],
  other: '#7d848c',
};

export function palette(dark: boolean): Palette {
  return dark ? DARK : LIGHT;
}

/** Colour of a CWV band as the engine names it (`good`, `needs-improvement`, `poor`). */
export function bandColor(p: Palette, band: string | null | undefined): string {
  switch (band) {
    case 'good':
      return p.good;
    case 'needs-improvement':
    case 'needs_improvement':
      return p.ni;
    case 'poor':
      return p.poor;
    default:
      return p.neutral;
  }
}

/** Colour and dash of the i-th series of a split (`(other)` is grey). */
export function seriesStyle(p: Palette, i: number, key: string | null): { color: string; dashed: boolean } {
  if (key === '(other)') return { color: p.other, dashed: true };
  return { color: p.series[i % p.series.length], dashed: i >= p.series.length };
}
