// Names of the canonical columns the UI offers in its selects (docs/schema.md). Labels only:
// units, thresholds and every number come with the engine's results.

/** Core Web Vitals, in the order of the Overview tiles. */
export const VITALS = ['lcp_ms', 'inp_ms', 'cls', 'fcp_ms', 'ttfb_ms'] as const;

/** Numeric columns offered as metrics. */
export const METRICS: string[] = [
  'lcp_ms',
  'inp_ms',
  'cls',
  'fcp_ms',
  'ttfb_ms',
  'load_ms',
  'dom_interactive_ms',
  'dom_complete_ms',
  'duration_ms',
  'transfer_bytes',
  'rtt_ms',
  'downlink_mbps',
];

/** Dimensions with a chip in the filter bar, in order. */
export const CHIP_COLUMNS: string[] = [
  'device_type',
  'browser',
  'region',
  'country',
  'release',
  'page_group',
  'connection_type',
];

/** Dimensions offered for breakdowns, splits and segments. */
export const DIMENSIONS: string[] = [
  'device_type',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'region',
  'subregion',
  'country',
  'release',
  'app',
  'environment',
  'page_group',
  'navigation_type',
  'connection_type',
  'effective_type',
  'resource_type',
  'method',
  'error_type',
  'error_source',
  'action_type',
  'frustration',
  'source_format',
];

const METRIC_LABELS: Record<string, string> = {
  lcp_ms: 'LCP',
  inp_ms: 'INP',
  cls: 'CLS',
  fcp_ms: 'FCP',
  ttfb_ms: 'TTFB',
  load_ms: 'Load',
  dom_interactive_ms: 'DOM interactive',
  dom_complete_ms: 'DOM complete',
  duration_ms: 'Duration',
  transfer_bytes: 'Transfer size',
  rtt_ms: 'RTT',
  downlink_mbps: 'Downlink',
};

const METRIC_TITLES: Record<string, string> = {
  lcp_ms: 'Largest Contentful Paint',
  inp_ms: 'Interaction to Next Paint',
  cls: 'Cumulative Layout Shift',
  fcp_ms: 'First Contentful Paint',
  ttfb_ms: 'Time to First Byte',
};

const DIM_LABELS: Record<string, string> = {
  device_type: 'Device',
  browser: 'Browser',
  browser_version: 'Browser version',
  os: 'OS',
  os_version: 'OS version',
  region: 'Region',
  subregion: 'Subregion',
  country: 'Country',
  release: 'Release',
  app: 'App',
  environment: 'Environment',
  page_group: 'Page',
  navigation_type: 'Navigation',
  connection_type: 'Connection',
  effective_type: 'Effective type',
  resource_type: 'Resource type',
  method: 'Method',
  error_type: 'Error type',
  error_source: 'Error source',
  action_type: 'Action',
  frustration: 'Frustration',
  source_format: 'Source format',
  fingerprint: 'Fingerprint',
  event_type: 'Event type',
};

/** Short label of a metric column: lcp_ms → "LCP". */
export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric;
}

/** Long name of a Core Web Vital, or the short label. */
export function metricTitle(metric: string): string {
  return METRIC_TITLES[metric] ?? metricLabel(metric);
}

/** Label of a dimension column: device_type → "Device". */
export function dimLabel(column: string): string {
  return DIM_LABELS[column] ?? column;
}

/** Statistics of a trend (bindings/Stat.ts), with labels. */
export const STATS = [
  { value: 'p50', label: 'p50 (median)' },
  { value: 'p75', label: 'p75' },
  { value: 'p90', label: 'p90' },
  { value: 'p95', label: 'p95' },
  { value: 'p99', label: 'p99' },
  { value: 'mean', label: 'mean' },
  { value: 'count', label: 'count (n)' },
] as const;

/** Label of a rating band as the engine names it. */
export function bandLabel(band: string | null | undefined): string {
  switch (band) {
    case 'good':
      return 'good';
    case 'needs-improvement':
    case 'needs_improvement':
      return 'needs improvement';
    case 'poor':
      return 'poor';
    default:
      return 'no rating';
  }
}
