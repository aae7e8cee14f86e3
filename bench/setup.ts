/**
 * Installs the peers of bench/compare.ts and bench/cold_start.ts, once, so that a comparison can be
 * reproduced: `deno task bench:setup`.
 *
 * - PyTorch 2.x and JAX: a Python virtual environment outside the repository (bench/_venv.ts:
 *   `~/.cache/nnc-bench/venv`, `NNC_BENCH_VENV` to move it, `NNC_BENCH_PYTHON` for the base
 *   interpreter, ≥ 3.11) with the pins of bench/requirements-peers.txt; run again after that file
 *   changes. PyPI's PyTorch wheel brings its CUDA libraries: about 6 GB, a few minutes.
 * - TF.js and jax-js: the npm packages pinned in bench/js_peers/deno.json and the workspace's
 *   deno.json, fetched into Deno's cache.
 * - Then every peer is asked what it runs (`--list`), and Debian's PyTorch 1.13 for its version.
 *
 * The runners never install anything: a peer that is missing is skipped with a message naming this
 * task. nnc's native backend needs `deno task build:native`.
 *
 * Usage: `deno task bench:setup [--skip-python] [--skip-js] [--python /usr/bin/python3]`
 *
 * @module
 */
import { childEnv, runWorker } from "./_peers.ts";
import { ensurePeerVenv, peerVenvDir } from "./_venv.ts";

const here = new URL(".", import.meta.url).pathname;
const deno = Deno.execPath();
const say = (s: string) => console.error(s);
let failed = false;

/** Runs a command with its output on our stderr; true when it succeeds. */
async function step(what: string, cmd: string, args: string[]): Promise<boolean> {
  say(`bench:setup: ${what}`);
  const out = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) say(`bench:setup: ${what} failed (exit ${out.code})`);
  return out.success;
}

/** The PyTorch version an interpreter imports, or why it does not. */
async function torchVersion(python: string): Promise<{ version?: string; error?: string }> {
  const code = "import torch, json; print(json.dumps({'version': torch.__version__}))";
  const r = await runWorker([python, "-c", code], childEnv(1, {}, []), 120);
  return r.error ? { error: r.error } : { version: String(r.version) };
}

/** Asks a worker what it runs and prints its version, or why it does not start. */
async function list(name: string, cmd: string[]): Promise<boolean> {
  const r = await runWorker([...cmd, "--list"], childEnv(1, {}, []), 600);
  if (r.error) {
    failed = true;
    say(`  ${name}: does not start: ${r.error}`);
    return false;
  }
  say(`  ${name}: ${r.version}; runs ${(r.workloads as string[]).join(", ")}`);
  return true;
}

const python = (() => {
  const i = Deno.args.indexOf("--python");
  return i >= 0 ? Deno.args[i + 1] : "/usr/bin/python3";
})();
const ready: string[] = [];

if (!Deno.args.includes("--skip-python")) {
  say(`bench:setup: PyTorch 2.x and JAX into ${peerVenvDir()}`);
  const venv = await ensurePeerVenv();
  if (venv.python === undefined) {
    failed = true;
    say(`bench:setup: ${venv.error}`);
  } else {
    const torch2 = await torchVersion(venv.python);
    say(`  PyTorch (PyPI): ${torch2.version ?? `does not import: ${torch2.error}`}`);
    if (torch2.version) ready.push("torch2");
    else failed = true;
    if (await list("JAX", [venv.python, `${here}jax_worker.py`])) ready.push("jax");
  }
  // Debian's python3-torch is an apt package, not ours to install: reported, not a failure.
  const torch = await torchVersion(python);
  say(`  PyTorch (Debian, ${python}): ${torch.version ?? `not available: ${torch.error}`}`);
  if (torch.version) ready.push("torch1.13");
}

if (!Deno.args.includes("--skip-js")) {
  const tfjs = ["--config", `${here}js_peers/deno.json`, `${here}js_peers/tfjs_worker.ts`];
  if (await step("npm packages of TF.js (bench/js_peers)", deno, ["cache", ...tfjs])) {
    for (const backend of ["wasm", "cpu"]) {
      const cmd = [deno, "run", "-A", ...tfjs, "--backend", backend];
      if (await list(`TF.js ${backend}`, cmd)) ready.push(`tfjs-${backend}`);
    }
  } else failed = true;
  if (await step("npm package of jax-js", deno, ["cache", `${here}jaxjs_worker.ts`])) {
    if (await list("jax-js", [deno, "run", "-A", `${here}jaxjs_worker.ts`])) ready.push("jax-js");
  } else failed = true;
}

say(`bench:setup: ${failed ? "incomplete (see above)" : "done"}; ready: ${ready.join(", ")}`);
say("next: deno task build:native && deno run -A bench/compare.ts --smoke");
Deno.exit(failed ? 1 : 0);
