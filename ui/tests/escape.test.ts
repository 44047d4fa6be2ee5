import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc, html } from '../src/lib/escape';

const ATTACK = '<img src=x onerror=alert(1)>';

/** Every file under a folder. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const SRC = join(__dirname, '..', 'src');

describe('escaping', () => {
  it('neutralises an HTML injection', () => {
    const out = esc(ATTACK);
    expect(out).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('<');
    expect(out).not.toContain('>');
  });

  it('escapes all five HTML special characters', () => {
    expect(esc(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(esc('a "b" \'c\'')).toBe('a &quot;b&quot; &#39;c&#39;');
    expect(esc(null)).toBe('');
    expect(esc(undefined)).toBe('');
    expect(esc(42)).toBe('42');
  });

  it('escapes every value interpolated by html``', () => {
    const name = ATTACK;
    const attr = '" onmouseover="alert(1)';
    const out = html`<b title="${attr}">${name}</b>`;
    expect(out).toBe('<b title="&quot; onmouseover=&quot;alert(1)">&lt;img src=x onerror=alert(1)&gt;</b>');
  });

  it('does not double-escape when escaping once', () => {
    expect(esc('&amp;')).toBe('&amp;amp;');
  });
});

describe('sources render data only as text', () => {
  const all = files(SRC).filter((f) => !f.includes(`${join('lib', 'bindings')}`));
  const components = all.filter((f) => f.endsWith('.svelte'));
  const code = all.filter((f) => /\.(svelte|ts|js)$/.test(f));

  it('finds the component sources', () => {
    expect(components.length).toBeGreaterThan(10);
  });

  it('no component uses {@html', () => {
    const offenders = components.filter((f) => readFileSync(f, 'utf8').includes('{@html')).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('no source sets innerHTML / outerHTML or calls insertAdjacentHTML / document.write', () => {
    const re = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/;
    const offenders = code.filter((f) => re.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('no source uses eval or new Function (CSP without unsafe-eval)', () => {
    const re = /\beval\s*\(|new\s+Function\s*\(/;
    const offenders = code.filter((f) => re.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('loads nothing from the network (no http(s) URLs in sources or index.html)', () => {
    const re = /https?:\/\//;
    const list = [...code, join(__dirname, '..', 'index.html')];
    const offenders = list.filter((f) => re.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
