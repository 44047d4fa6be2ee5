// End-to-end test of the real rumlens desktop app through the W3C WebDriver protocol
// (tauri-driver). No dependencies: Node's fetch only. Prints "e2e: N passed, M failed".
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const DRIVER = arg("driver"), APP = arg("app"), CLI = arg("cli"), ART = arg("artifacts");
// Where the app's save dialogs write (the RUMLENS_TEST_SAVE_DIR seam, set by run.sh).
const SAVES = arg("saves");
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const SAMPLE = "sample-data/shop.parquet";
let passed = 0, failed = 0, shot = 0;

async function wd(method, path, body) {
  const res = await fetch(DRIVER + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, timeout = 30000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

class Session {
  static async start(args = []) {
    const v = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: APP, args } } },
    });
    const s = new Session();
    s.id = v.sessionId;
    return s;
  }
  async find(testid) {
    const v = await wd("POST", `/session/${this.id}/element`, { using: "css selector", value: `[data-testid="${testid}"]` });
    return v[ELEMENT];
  }
  async waitEl(testid, timeout) {
    return waitFor(`[data-testid=${testid}]`, () => this.find(testid), timeout);
  }
  async click(testid) {
    const el = await this.waitEl(testid);
    await wd("POST", `/session/${this.id}/element/${el}/click`, {});
  }
  async text(testid) {
    const el = await this.waitEl(testid);
    return wd("GET", `/session/${this.id}/element/${el}/text`);
  }
  /** Value of a <select>. */
  async value(testid) {
    await this.waitEl(testid);
    return this.js(`return document.querySelector('[data-testid="${testid}"]').value;`);
  }
  /** Choose an option of a <select> (as the user would: value, then a change event). */
  async choose(testid, value) {
    await this.waitEl(testid);
    const got = await this.js(
      `const el = document.querySelector('[data-testid="' + arguments[0] + '"]');
       el.value = arguments[1];
       el.dispatchEvent(new Event("change", { bubbles: true }));
       return el.value;`,
      testid,
      value,
    );
    if (got !== value) throw new Error(`${testid}: no option ${value}`);
  }
  async js(script, ...args) {
    return wd("POST", `/session/${this.id}/execute/sync`, { script, args });
  }
  async end() {
    await wd("DELETE", `/session/${this.id}`).catch(() => {});
  }
}

function screenshot(name) {
  const file = join(ART, `${String(++shot).padStart(2, "0")}-${name}.png`);
  // The WebDriver screenshot call hangs with WebKitWebDriver under Xvfb; take the X display.
  execFileSync("import", ["-window", "root", file]);
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message}`);
    try { screenshot(`FAILED-${name.replace(/\W+/g, "-")}`); } catch {}
  }
}

/** Rows of a CSV text (RFC 4180 quotes), as objects keyed by the header. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else if (c !== "\r") cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** The file the save-dialog seam wrote, checked to exist and to start with `magic`. */
function savedFile(path, magic) {
  if (!path.startsWith(SAVES)) throw new Error(`${path} is not in the save dir ${SAVES}`);
  if (!existsSync(path)) throw new Error(`${path} was not written`);
  const head = readFileSync(path).subarray(0, magic.length);
  if (!head.equals(Buffer.from(magic, "binary"))) throw new Error(`${path} starts with ${JSON.stringify(head.toString("binary"))}`);
}

function cliN(filter) {
  const args = ["breakdown", SAMPLE, "--metric", "lcp", "--format", "json"];
  if (filter) args.push("--filter", filter);
  return JSON.parse(execFileSync(CLI, args, { encoding: "utf8" })).rows[0].n;
}

const started = Date.now();
let s = await Session.start();
try {
  await step("open view offers the sample", async () => {
    await s.waitEl("open-sample", 60000);
    screenshot("open");
  });
  await step("sample opens into the overview with the CLI's n", async () => {
    await s.click("open-sample");
    const n = await waitFor("LCP tile n", async () => Number((await s.text("tile-lcp_ms-n")).trim()) || 0, 60000);
    console.log(`     first chart after ${((Date.now() - started) / 1000).toFixed(1)} s (app start + open sample)`);
    if (n !== cliN()) throw new Error(`LCP n ${n}, CLI says ${cliN()}`);
    await sleep(500);
    screenshot("overview");
  });
  await step("filter device_type=mobile from the chip menu updates the LCP n", async () => {
    await s.click("filter-chip-device_type");
    await s.click("filter-value-device_type-mobile");
    const want = cliN("device_type=mobile");
    await waitFor(`LCP n = ${want}`, async () => Number((await s.text("tile-lcp_ms-n")).trim()) === want);
    await sleep(300);
    screenshot("overview-mobile");
  });
  for (const [view, testid] of [
    ["trends", "trend-chart"],
    ["breakdown", "breakdown-table"],
    ["distribution", "hist-chart"],
    ["errors", "error-row-1"],
    ["funnels", "funnel-chart"],
    ["compare", "compare-table"],
  ]) {
    await step(`${view} view shows its result`, async () => {
      await s.click(`view-tab-${view}`);
      await s.waitEl(testid);
      await sleep(800);
      screenshot(view);
    });
  }
  await step("export a chart (PNG) and a report (PDF) from the app; the saved spec re-runs in the CLI to the same numbers", async () => {
    // Breakdown of LCP by browser under device_type=mobile, as shown.
    await s.click("view-tab-breakdown");
    await s.choose("breakdown-by-1", "browser");
    await waitFor("breakdown by browser", async () => (await s.text("breakdown-table")).startsWith("Browser"));
    await sleep(500);
    const shown = await s.js(`return [...document.querySelectorAll('[data-testid="breakdown-table"] tbody tr')]
      .map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()));`);
    if (shown.length < 2) throw new Error(`breakdown shows ${shown.length} rows`);

    // The chart, through the Export menu.
    await s.click("export-menu");
    await s.waitEl("export-chart-png");
    await sleep(200);
    screenshot("export-menu");
    await s.click("export-chart-png");
    const msg = await waitFor("export message", async () => {
      const t = await s.text("export-message");
      return t.includes(".png") && t;
    }, 60000);
    const png = msg.slice(msg.indexOf(SAVES)).replace(/\s*×$/, "").trim();
    savedFile(png, "\x89PNG\r\n\x1a\n");

    // The report dialog: Breakdown preselected, add Trends, PDF.
    await s.click("export-menu");
    await s.click("export-report-open");
    await s.waitEl("report-dialog");
    if (!(await s.js(`return document.querySelector('[data-testid="report-view-breakdown"]').checked;`))) {
      throw new Error("the current view is not preselected");
    }
    await s.click("report-view-trends");
    if (!(await s.js(`return document.querySelector('[data-testid="report-view-trends"]').checked;`))) {
      throw new Error("clicking Trends did not tick it");
    }
    await s.js(`const el = document.querySelector('[data-testid="report-title"]');
      el.value = "Mobile LCP by browser"; el.dispatchEvent(new Event("input", { bubbles: true }));`);
    await sleep(300);
    screenshot("export-dialog");
    await s.click("report-export");
    const result = await waitFor("report written", async () => {
      const t = await s.text("report-result").catch(() => "");
      return t.includes(".pdf") && t;
    }, 120000);
    await sleep(300);
    screenshot("export-dialog-done");
    const pdf = result.slice(result.indexOf(SAVES)).trim();
    savedFile(pdf, "%PDF");

    // Save the spec, then run it with the CLI into a CSV folder.
    await s.click("report-save-spec");
    const saved = await waitFor("spec saved", async () => {
      const t = await s.text("report-result").catch(() => "");
      return t.includes(".json") && t;
    }, 60000);
    const spec = saved.slice(saved.indexOf(SAVES)).trim();
    savedFile(spec, "{");
    const kinds = JSON.parse(readFileSync(spec, "utf8")).sections.map((x) => x.kind);
    if (kinds.join() !== "trend,breakdown") throw new Error(`spec sections: ${kinds}`);
    await s.click("report-close");
    const out = mkdtempSync(join(tmpdir(), "rumlens-cli-report-")) + "/";
    execFileSync(CLI, ["report", spec, "--out", out], { encoding: "utf8", stdio: "pipe" });
    const csvName = readdirSync(out).find((f) => f.endsWith("-breakdown.csv"));
    if (!csvName) throw new Error(`no breakdown CSV in ${readdirSync(out)}`);
    const cli = parseCsv(readFileSync(join(out, csvName), "utf8"));
    if (cli.length !== shown.length) throw new Error(`CLI has ${cli.length} segments, the app shows ${shown.length}`);
    const num = (t) => Number(t.replace(/[^0-9.-]/g, ""));
    for (const [browser, n, , p75] of shown) {
      const row = cli.find((r) => r.browser === browser);
      if (!row) throw new Error(`CLI has no row for ${browser}`);
      if (Number(row.n) !== num(n)) throw new Error(`${browser}: n ${row.n} in the CLI, ${n} in the app`);
      if (Math.round(Number(row.p75)) !== num(p75)) throw new Error(`${browser}: p75 ${row.p75} in the CLI, ${p75} in the app`);
    }
    console.log(`     ${shown.length} browsers: n and p75 equal in the app and in \`rumlens report\` on the saved spec`);
  });
} finally {
  await s.end();
}

// Attacker-controlled strings must show as text and never run.
const dir = mkdtempSync(join(tmpdir(), "rumlens-xss-"));
const xssFile = join(dir, "xss.ndjson");
const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
const lines = [];
for (let i = 0; i < 30; i++) {
  const base = { ts: 1791158400000 + i * 60000, session_id: `s${i}`, url: `https://x.test/p?q=${payload}`, user_agent: `Mozilla/5.0 ${payload}`, country: "US" };
  lines.push({ ...base, event_type: "view", lcp_ms: 1000 + i * 10, inp_ms: 100, cls: 0.01, fcp_ms: 500, ttfb_ms: 200 });
  lines.push({ ...base, event_type: "error", error_type: "TypeError", error_message: `boom ${payload}`, error_stack: `at ${payload} (x.js:1:1)` });
  lines.push({ ...base, event_type: "action", action_type: "click", target: `button${payload}` });
}
writeFileSync(xssFile, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
s = await Session.start([xssFile]);
try {
  await step("XSS payloads in the data render as text and never run", async () => {
    await waitFor("LCP tile n", async () => Number((await s.text("tile-lcp_ms-n")).trim()) === 30, 60000);
    await s.click("view-tab-errors");
    await s.waitEl("error-row-1");
    await sleep(500);
    screenshot("xss-errors");
    const body = await s.js("return document.body.innerText;");
    if (!body.includes("<img src=x onerror=")) throw new Error("payload not shown literally in the errors view");
    const ran = await s.js("return window.__xss === undefined ? null : window.__xss;");
    if (ran !== null) throw new Error(`payload ran: window.__xss = ${ran}`);
    const injected = await s.js("return document.querySelectorAll('img[src=\"x\"], script:not([src])').length;");
    if (injected !== 0) throw new Error(`${injected} injected elements in the DOM`);
  });
} finally {
  await s.end();
}

// A file no format recognises: the mapping dialog proposes a mapping, the user opens with it,
// and the next launch proposes the saved one.
const wdir = mkdtempSync(join(tmpdir(), "rumlens-map-"));
const whFile = join(wdir, "warehouse.ndjson");
const whLines = [];
let withLcp = 0;
for (let i = 0; i < 40; i++) {
  const l = { kind: "pageview", page: `https://x.test/p/${i % 5}`, event_time: 1791158400 + i * 60 };
  if (i % 4 !== 3) {
    l.lcp_s = Number((1.234 + (i % 9) * 0.217).toFixed(3));
    withLcp++;
  }
  l.sid = `s${i % 7}`;
  l.comment = payload;
  whLines.push(l);
}
writeFileSync(whFile, whLines.map((l) => JSON.stringify(l)).join("\n") + "\n");
s = await Session.start([whFile]);
try {
  await step("unknown columns open the mapping dialog with the proposed mapping", async () => {
    await s.waitEl("mapping-dialog", 60000);
    await s.waitEl("mapping-row-event_time");
    await sleep(300);
    screenshot("mapping-dialog");
    const body = await s.js("return document.body.innerText;");
    if (!body.includes("This file's columns are not recognised")) throw new Error("dialog title missing");
    if (!body.includes("<img src=x onerror=")) throw new Error("sample values not shown literally");
    const ran = await s.js("return window.__xss === undefined ? null : window.__xss;");
    if (ran !== null) throw new Error(`payload ran: window.__xss = ${ran}`);
    const want = [
      ["mapping-select-event_time", "ts"],
      ["mapping-time-event_time", "epoch_s"],
      ["mapping-select-lcp_s", "lcp_ms"],
      ["mapping-unit-lcp_s", "s"],
      ["mapping-select-kind", ""],
      ["mapping-event-type", "view"],
    ];
    const off = [];
    for (const [testid, value] of want) {
      const got = await s.value(testid).catch(() => null);
      if (got !== value) {
        off.push(`${testid}=${JSON.stringify(got)}`);
        await s.choose(testid, value);
      }
    }
    if (off.length) console.log(`     proposal changed by hand: ${off.join(", ")}`);
  });
  await step(`opening with the mapping shows the overview with LCP n = ${withLcp}`, async () => {
    await s.click("mapping-open");
    await waitFor(`LCP n = ${withLcp}`, async () => Number((await s.text("tile-lcp_ms-n")).trim()) === withLcp, 60000);
    await sleep(500);
    screenshot("mapping-overview");
  });
} finally {
  await s.end();
}
s = await Session.start([whFile]);
try {
  await step("the next launch proposes the saved mapping; Cancel closes the dialog", async () => {
    await s.waitEl("mapping-dialog", 60000);
    await s.waitEl("mapping-saved");
    if ((await s.value("mapping-unit-lcp_s")) !== "s") throw new Error("saved mapping lost the lcp_s unit");
    await s.click("mapping-cancel");
    await waitFor("dialog closed", async () => !(await s.find("mapping-dialog").catch(() => null)));
    if (!(await s.text("open-error")).includes("unknown_format")) throw new Error("no unknown_format error after Cancel");
  });
} finally {
  await s.end();
}

console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
