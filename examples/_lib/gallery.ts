// The gallery (`deno task gallery [--quick]`): runs every example (as the examples runner finds and
// runs them), then writes `<out>/index.html`, one section per family, each example with its
// pictures, its checked figures, its text summary and the command that made it, from the
// `<name>.summary.json` every example writes.
//
//   deno task gallery [--quick] [--only <substring>] [--out-root out] [--no-run]
// --quick runs each example in seconds; --only keeps the examples whose path contains the text;
// --no-run builds the page from the summaries already in the out folder.
import type { ExampleSummary } from "./report.ts";
import { findExamples } from "./example_check.ts";
import { isQuick, textFlag } from "./report.ts";
import { runExample } from "./run_example.ts";

/** One example of the gallery: its script, how its run went, and what it reported. */
export interface GalleryEntry {
  /** The script, relative to examples/ (`experiments/playground.ts`). */
  script: string;
  /** The command that ran it. */
  command: string;
  /** Exit code of the run (0: fine). */
  code: number;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** Its summary, or null when it wrote none. */
  summary: ExampleSummary | null;
  /** Where the summary was read (default `<root>/<family>/<name>.summary.json`). */
  summaryPath?: string;
  /** The end of its error output when it failed. */
  error?: string;
}

const IMAGE = /\.(svg|png)$/i;

function escape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The path of an output file relative to the gallery's folder (summaries list `<root>/<family>/…`). */
export function relativeTo(root: string, file: string): string {
  const r = root.replace(/\/+$/, "");
  if (file.startsWith(`${r}/`)) return file.slice(r.length + 1);
  if (!file.startsWith("/") && r === "out" && file.startsWith("out/")) return file.slice(4);
  return file;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

function metricRows(s: ExampleSummary): string {
  return Object.entries(s.metrics).map(([name, m]) => {
    const ok = Number.isFinite(m.value) && (m.min === undefined || m.value >= m.min) &&
      (m.max === undefined || m.value <= m.max);
    const bounds = [
      m.min === undefined ? "" : `≥ ${formatValue(m.min)}`,
      m.max === undefined ? "" : `≤ ${formatValue(m.max)}`,
    ]
      .filter(Boolean).join(", ");
    return `<tr class="${ok ? "ok" : "bad"}"><td>${escape(name)}</td><td>${
      formatValue(m.value)
    }</td><td>${escape(bounds)}</td><td>${ok ? "✓" : "✗"}</td></tr>`;
  }).join("\n");
}

function section(root: string, e: GalleryEntry): string {
  const id = e.script.replace(/[^\w]+/g, "-");
  const head = `<h3 id="${id}">${escape(e.script.replace(/\.ts$/, ""))}</h3>
<p class="cmd"><code>${escape(e.command)}</code> · ${e.seconds.toFixed(1)} s${
    e.code === 0 ? "" : ` · <b class="bad">exit code ${e.code}</b>`
  }</p>`;
  if (e.summary === null) {
    return `<section>${head}<pre class="bad">${
      escape(e.error ?? "no summary written")
    }</pre></section>`;
  }
  const s = e.summary;
  const files = s.files.map((f) => ({ file: f, href: relativeTo(root, f) }));
  const images = files.filter((f) => IMAGE.test(f.file)).map((f) =>
    `<figure><a href="${escape(f.href)}"><img src="${escape(f.href)}" loading="lazy" alt="${
      escape(f.href)
    }"></a><figcaption>${escape(f.href.split("/").pop()!)}</figcaption></figure>`
  ).join("\n");
  const others = files.filter((f) => !IMAGE.test(f.file)).map((f) =>
    `<a href="${escape(f.href)}">${escape(f.href.split("/").pop()!)}</a>`
  ).join(" · ");
  const summaryHref = relativeTo(
    root,
    e.summaryPath ?? `${root.replace(/\/+$/, "")}/${s.family}/${s.name}.summary.json`,
  );
  return `<section>${head}
${s.notes.length ? `<pre>${escape(s.notes.join("\n"))}</pre>` : ""}
<table><tr><th>figure</th><th>value</th><th>bounds</th><th></th></tr>
${metricRows(s)}
</table>
<div class="figs">${images}</div>
<p class="files">${others}${others ? " · " : ""}<a href="${
    escape(summaryHref)
  }">summary.json</a></p>
</section>`;
}

/** The gallery page for `entries`, whose output files lie under `root` (the page's folder). */
export function galleryHtml(
  root: string,
  entries: readonly GalleryEntry[],
  quick: boolean,
): string {
  const families = [
    ...new Set(entries.map((e) => e.script.includes("/") ? e.script.split("/")[0] : "(top level)")),
  ];
  const failed = entries.filter((e) => e.code !== 0 || e.summary === null).length;
  const body = families.map((fam) => {
    const mine = entries.filter((e) =>
      (e.script.includes("/") ? e.script.split("/")[0] : "(top level)") === fam
    );
    return `<h2 id="family-${escape(fam)}">${escape(fam)}</h2>\n${
      mine.map((e) => section(root, e)).join("\n")
    }`;
  }).join("\n");
  const toc = families.map((fam) => `<a href="#family-${escape(fam)}">${escape(fam)}</a>`).join(
    " · ",
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>nnc examples${quick ? " (quick mode)" : ""}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
section { border-bottom: 1px solid #eee; padding-bottom: 1em; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; }
tr.bad td, .bad { color: #b00; }
.figs { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; max-width: 100%; }
figure img { max-width: 580px; max-height: 420px; border: 1px solid #ddd; }
figcaption { font-size: 12px; color: #666; }
.cmd code { background: #eef; padding: 2px 4px; }
</style></head><body>
<h1>nnc examples${quick ? " — quick mode" : ""}</h1>
<p>${entries.length} examples${failed ? `, <b class="bad">${failed} failed</b>` : ""}; built ${
    new Date().toISOString()
  }. Each section: the command, the text summary, the checked figures with their bounds, the pictures.
Run <code>deno task gallery</code> for the full-size results (minutes), <code>deno task gallery --quick</code> for seconds each.</p>
<p>${toc}</p>
${body}
</body></html>
`;
}

/** The files a gallery page links to or shows (relative `href`/`src` values, in page order). */
export function galleryLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|src)="([^"#][^"]*)"/g)) {
    const v = m[1].replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (!/^[a-z]+:/i.test(v) && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The linked files of a page in `root` that do not exist or are empty. */
export async function missingLinks(root: string, html: string): Promise<string[]> {
  const missing: string[] = [];
  for (const link of galleryLinks(html)) {
    const path = link.startsWith("/") ? link : `${root}/${link}`;
    const info = await Deno.stat(path).catch(() => null);
    if (info === null || !info.isFile || info.size === 0) missing.push(link);
  }
  return missing;
}

/** The summary an example wrote under `root` (in its family's folder; any folder for a top-level one). */
export async function readSummary(root: string, script: string): Promise<ExampleSummary | null> {
  const name = script.split("/").pop()!.replace(/\.ts$/, "");
  const dirs: string[] = [];
  if (script.includes("/")) dirs.push(`${root}/${script.split("/")[0]}`);
  else {
    try {
      for await (const e of Deno.readDir(root)) if (e.isDirectory) dirs.push(`${root}/${e.name}`);
    } catch {
      return null;
    }
  }
  for (const dir of dirs) {
    const text = await Deno.readTextFile(`${dir}/${name}.summary.json`).catch(() => null);
    if (text !== null) return JSON.parse(text) as ExampleSummary;
  }
  return null;
}

/** Writes `<root>/index.html` for the entries and returns its path and the links it is missing. */
export async function writeGallery(
  root: string,
  entries: readonly GalleryEntry[],
  quick: boolean,
): Promise<{ path: string; missing: string[] }> {
  const html = galleryHtml(root, entries, quick);
  const path = `${root}/index.html`;
  await Deno.mkdir(root, { recursive: true });
  await Deno.writeTextFile(path, html);
  return { path, missing: await missingLinks(root, html) };
}

if (import.meta.main) {
  const quick = isQuick();
  const root = textFlag("out-root", "out");
  const only = textFlag("only", "");
  const run = !Deno.args.includes("--no-run");
  const examples = (await findExamples(new URL("../", import.meta.url))).filter((e) =>
    e.includes(only)
  );
  const start = performance.now();
  const entries: GalleryEntry[] = [];
  for (const script of examples) {
    const command = `deno run -A examples/${script}${quick ? " --quick" : ""}${
      root === "out" ? "" : ` --out-root ${root}`
    }`;
    if (!run) {
      const summary = await readSummary(root, script);
      entries.push({ script, command, code: 0, seconds: summary?.seconds ?? 0, summary });
      continue;
    }
    console.log(`\n▶ ${command}`);
    const r = await runExample(script, { quick, outRoot: root, inherit: true });
    entries.push({
      script,
      command,
      code: r.code,
      seconds: r.seconds,
      summary: r.code === 0 ? await readSummary(root, script) : null,
      error: r.code === 0 ? undefined : r.stderr,
    });
  }
  const { path, missing } = await writeGallery(root, entries, quick);
  const failed = entries.filter((e) => e.code !== 0 || e.summary === null);
  console.log(
    `\nwrote ${path}: ${entries.length} examples in ${
      ((performance.now() - start) / 1000).toFixed(0)
    } s${failed.length ? `; failed: ${failed.map((e) => e.script).join(", ")}` : ""}${
      missing.length ? `; missing files: ${missing.join(", ")}` : ""
    }`,
  );
  if (failed.length > 0 || missing.length > 0) Deno.exit(1);
}
