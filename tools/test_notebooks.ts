/**
 * Executes every notebook of `examples/notebooks/` headless with Jupyter's nbconvert and Deno's
 * kernel, writing the executed notebooks to `out/notebooks/`, and fails on any error. It then
 * checks each executed notebook's outputs: no error output, and every MIME type listed in the
 * notebook's `metadata.nnc.expect` (the rich displays: `text/html` for a module, `image/svg+xml`
 * for a history, `image/png` for an image tensor) present among them.
 *
 * Needs `jupyter nbconvert` (Debian: jupyter-nbconvert, python3-nbclient, jupyter-client) and
 * registers Deno's kernel (`deno jupyter --install`) when it is missing. Without Jupyter this says
 * the notebooks were skipped, unless `NNC_CI=1` (CI installs Jupyter), which makes it a failure.
 * The executor is nbconvert's, with a grace period for outputs Deno's kernel publishes late
 * (tools/notebooks/deno_execute.py says why).
 *
 * Usage: `deno task test:notebooks [names…]`
 *
 * @module
 */
const root = new URL("../", import.meta.url);
const folder = new URL("examples/notebooks/", root);
const out = new URL("out/notebooks/", root);
const strict = Deno.env.get("NNC_CI") === "1";

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const r = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  } catch (e) {
    return { code: -1, stdout: "", stderr: (e as Error).message };
  }
}

function skip(reason: string): never {
  if (strict) {
    console.error(`notebooks: ${reason} (NNC_CI=1 makes this an error)`);
    Deno.exit(1);
  }
  console.log(`notebooks skipped: ${reason}`);
  Deno.exit(0);
}

const version = await run("jupyter", ["nbconvert", "--version"]);
if (version.code !== 0) {
  skip(
    "jupyter nbconvert not found (apt-get install jupyter-nbconvert python3-nbclient jupyter-client)",
  );
}
const specs = await run("jupyter", ["kernelspec", "list", "--json"]);
if (specs.code !== 0) skip(`jupyter kernelspec list failed: ${specs.stderr.trim()}`);
if (!("deno" in JSON.parse(specs.stdout).kernelspecs)) {
  console.log("registering Deno's Jupyter kernel (deno jupyter --install)");
  const install = await run(Deno.execPath(), ["jupyter", "--install"]);
  if (install.code !== 0) skip(`deno jupyter --install failed: ${install.stderr.trim()}`);
}

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Notebook {
  cells: { cell_type: string; outputs?: Output[] }[];
  metadata: { nnc?: { expect?: string[] } };
}

const wanted = Deno.args.filter((a) => !a.startsWith("--"));
const names = [...Deno.readDirSync(folder)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ipynb") && !n.startsWith("_"))
  .filter((n) => wanted.length === 0 || wanted.some((w) => n.startsWith(w)))
  .sort();
if (names.length === 0) skip(`no notebooks in ${folder.pathname}`);
await Deno.mkdir(out, { recursive: true });

let failed = 0;
for (const name of names) {
  const t0 = performance.now();
  const r = await run("jupyter", [
    "nbconvert",
    "--to",
    "notebook",
    "--Exporter.preprocessors=deno_execute.DenoExecutePreprocessor",
    "--DenoExecutePreprocessor.enabled=True",
    "--DenoExecutePreprocessor.timeout=600",
    "--output-dir",
    out.pathname,
    new URL(name, folder).pathname,
  ], { PYTHONPATH: new URL("tools/notebooks/", root).pathname });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const problems: string[] = [];
  if (r.code !== 0) {
    const tail = r.stderr.split("\n").filter((l) =>
      !/unstable|validate\(nb\)|MissingIDField/.test(l)
    );
    problems.push(`nbconvert exited with ${r.code}:\n${tail.slice(-30).join("\n")}`);
  } else {
    const nb: Notebook = JSON.parse(await Deno.readTextFile(new URL(name, out)));
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    for (const o of outputs) {
      if (o.output_type === "error") problems.push(`error output: ${o.ename}: ${o.evalue}`);
    }
    const types = new Set(outputs.flatMap((o) => Object.keys(o.data ?? {})));
    for (const t of nb.metadata.nnc?.expect ?? []) {
      if (!types.has(t)) problems.push(`no ${t} output (has ${[...types].join(", ") || "none"})`);
    }
  }
  if (problems.length > 0) {
    failed++;
    console.log(`FAILED ${name} (${seconds} s)\n  ${problems.join("\n  ")}`);
  } else {
    console.log(`ok ${name} (${seconds} s) → out/notebooks/${name}`);
  }
}
console.log(`${names.length - failed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
