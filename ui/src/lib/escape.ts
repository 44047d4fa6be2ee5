// Data strings (URLs, messages, selectors, fingerprints) are attacker-controlled. Svelte's `{}`
// interpolation renders them as text; the only place HTML is built from strings is an ECharts
// HTML tooltip, and every string that goes there passes through `esc`.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape `& < > " '` so that the result is inert inside HTML text and quoted attributes. */
export function esc(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Build an HTML string from a template whose interpolated values are all escaped:
 * html`<b>${name}</b>` with name = `<img>` gives `<b>&lt;img&gt;</b>`. Join several results
 * with `'<br>'`; never interpolate a result into another template (it would be escaped twice,
 * which is safe but ugly).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += esc(values[i]) + strings[i + 1];
  return out;
}
