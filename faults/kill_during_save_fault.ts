/**
 * Fault test: kills a process that is saving (a model with `saveModel`, an optimiser state with
 * `saveOptimizerState`, and a `ModelCheckpoint` with `keep: 2` and its `latest` pointer) with
 * SIGKILL at random moments, NNC_FAULT_KILLS times (default 24), and asserts after every kill:
 * each target loads and is not torn (all its values come from one save), the `latest` pointer
 * names a complete checkpoint, at most keep + 1 checkpoint files exist, and no temporary file of
 * an earlier killed writer survived the saves of the next writer. At the end one more save in this
 * process must leave no temporary file at all.
 *
 * Run by `deno task test:faults` (once per CI run, not once per backend):
 * `deno test -A faults/kill_during_save_fault.ts`
 *
 * @module
 */
import assert from "node:assert/strict";
import { isAtomicTempName, loadSafetensors, removeStaleTempFiles, Rng } from "@nnc/tensor";
import { Linear, saveModel, Sequential } from "@nnc/layers";
import { Adam, saveOptimizerState } from "@nnc/optim";
import { ModelCheckpoint } from "@nnc/train";

const KILLS = Number(Deno.env.get("NNC_FAULT_KILLS") ?? 24);
const WORKER = new URL("./_save_worker.ts", import.meta.url).pathname;

/** Every value of every tensor in the file, as a set (one value: written by one save). */
async function valuesOf(path: string): Promise<Set<number>> {
  const { tensors } = await loadSafetensors(path);
  const seen = new Set<number>();
  for (const [name, t] of Object.entries(tensors)) {
    if (name.endsWith("exp_avg_sq") || name.endsWith("step") || t.dtype === "int32") continue;
    const c = t.contiguous();
    for (let i = 0; i < t.size; i++) seen.add(c.data[c.offset + i]);
  }
  return seen;
}

/** Temporary files under `dir` (recursively), with their writer's pid. */
function temps(dir: string): { path: string; pid: number }[] {
  const out: { path: string; pid: number }[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...temps(path));
    else if (isAtomicTempName(e.name)) out.push({ path, pid: Number(e.name.split(".").at(-3)) });
  }
  return out;
}

async function readLine(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`worker ended before it was ready (output: ${text})`);
    text += decoder.decode(value);
  }
  return text.trim();
}

Deno.test(`kill during save: ${KILLS} SIGKILLs, no corrupt file, no surviving temp file`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "nnc-kill-" });
  const seed = Number(Deno.env.get("NNC_FAULT_SEED") ?? Date.now() % 1e6);
  const rng = new Rng(seed);
  let debris = 0, previous = -1;
  try {
    for (let k = 0; k < KILLS; k++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", WORKER, dir],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.getReader();
      const ready = await readLine(reader);
      const roundMs = Number(ready.split(" ")[1]);
      // The earlier writer's temporary files are gone after this writer's first round.
      const left = temps(dir).filter((t) => t.pid === previous);
      assert.deepEqual(
        left,
        [],
        `seed ${seed}, kill ${k}: temp files of the killed writer survived`,
      );
      await new Promise((r) => setTimeout(r, rng.random() * 3 * roundMs));
      child.kill("SIGKILL");
      const status = await child.status;
      reader.releaseLock();
      await child.stdout.cancel();
      assert.equal(status.signal, "SIGKILL", `seed ${seed}, kill ${k}: worker was not killed`);
      previous = child.pid;
      if (temps(dir).length > 0) debris++;
      for (const name of ["model.safetensors", "optimizer.safetensors"]) {
        const values = await valuesOf(`${dir}/${name}`);
        assert.equal(values.size, 1, `seed ${seed}, kill ${k}: ${name} mixes saves`);
      }
      const latest = await ModelCheckpoint.latest(`${dir}/ckpt/latest`);
      assert.ok(latest !== null, `seed ${seed}, kill ${k}: no latest pointer`);
      assert.equal((await valuesOf(latest)).size, 1, `seed ${seed}, kill ${k}: ${latest} torn`);
      const ckpts = [...Deno.readDirSync(`${dir}/ckpt`)].filter((e) =>
        /^e\d+\.safetensors$/.test(e.name)
      );
      assert.ok(ckpts.length <= 3, `seed ${seed}, kill ${k}: ${ckpts.length} checkpoint files`);
    }
    // One more save of each target, in this process: nothing temporary may remain.
    const model = new Sequential(new Linear(700, 700), new Linear(700, 700));
    await saveModel(`${dir}/model.safetensors`, model);
    await saveOptimizerState(`${dir}/optimizer.safetensors`, new Adam(model.parameters()));
    await saveModel(`${dir}/ckpt/e1.safetensors`, model);
    await removeStaleTempFiles(`${dir}/ckpt`);
    assert.deepEqual(temps(dir), []);
    console.log(
      `kill during save: ${KILLS} kills (seed ${seed}), 0 corrupt files, ${debris} kills left a temp file, all removed by the next save`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
