// The contract of a worker's answer (one JSON line), on nnc's worker and the JS backend: no Python,
// no network, no native library. Not a timing: only what the answer holds.
import assert from "node:assert/strict";

const worker = new URL("./nnc_worker.ts", import.meta.url).pathname;

async function answer(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", worker, ...args],
    env: { NNC_BACKEND: "js" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

Deno.test("nnc_worker: --reps repetitions of k steps, the units scaled by k, the backend named", async () => {
  const r = await answer([
    "W7",
    "--reps",
    "3",
    "--warmup",
    "1",
    "--warmup-time",
    "0",
    "--min-time",
    "0.001",
  ]);
  assert.equal(r.backend, "js");
  const times = r.times as number[];
  assert.equal(times.length, 3);
  for (const t of times) assert.ok(t > 0 && Number.isFinite(t), `time ${t}`);
  const k = r.stepsPerRep as number;
  assert.ok(Number.isInteger(k) && k >= 1);
  assert.deepEqual(r.units, { ops: 10000 * k });
});

Deno.test("nnc_worker: --list names every workload; an unknown one is an answer, not a crash", async () => {
  const list = await answer(["--list"]);
  assert.deepEqual(list.workloads, [
    "W1-256",
    "W1-1024",
    "W7",
    "W7-grad",
    "W2",
    "W3",
    "W4",
    "W4-lm",
    "W4-gen",
    "W5",
    "W8",
    "W-GCN",
    "W9",
  ]);
  assert.deepEqual(await answer(["W99"]), { error: "no workload W99" });
});

Deno.test("nnc_worker: --roof-probe adds five 1024² sgemm rates measured after the workload", async () => {
  const quick = ["--reps", "1", "--warmup", "1", "--warmup-time", "0", "--min-time", "0.001"];
  const plain = await answer(["W7", ...quick]);
  assert.equal("roofGflops" in plain, false);
  const probed = await answer(["W7", ...quick, "--roof-probe"]);
  const roofs = probed.roofGflops as number[];
  assert.equal(roofs.length, 5);
  for (const g of roofs) assert.ok(g > 0 && Number.isFinite(g), `rate ${g}`);
  assert.equal((probed.times as number[]).length, 1);
});
