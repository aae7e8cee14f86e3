import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeSafetensors, encodeSafetensors, loadSafetensors, NDArray } from "@nnc/tensor";
import {
  Adam,
  type CosineAnnealingLR,
  decodeOptimizerState,
  encodeOptimizerState,
  loadOptimizerState,
  loadOptimizerStateSync,
  type OptimizerStateDict,
  optimizerStateFromSafetensors,
  optimizerStateToSafetensors,
  ReduceLROnPlateau,
  saveOptimizerState,
  saveOptimizerStateSync,
  type SchedulerStateDict,
} from "./mod.ts";
import {
  fixtures,
  makeOptimizer,
  makeParams,
  makeScheduler,
  setGradients,
  snapshot,
} from "./_trajectory_testing.ts";
import { param, setGrad } from "./_scalar_testing.ts";

const plain = (sd: OptimizerStateDict) =>
  JSON.stringify(
    sd,
    (
      _k,
      v,
    ) => (v instanceof NDArray ? { shape: v.shape, dtype: v.dtype, data: Array.from(v.data) } : v),
  );

Deno.test("saveOptimizerState: resume from a file continues the identical run (Adam + cosine schedule)", async () => {
  const c = {
    ...fixtures.stateDict,
    scheduler: { type: "CosineAnnealingLR", options: { tMax: 6, etaMin: 0.001 } },
  };
  const run = async (saveAt: number | null) => {
    let p = makeParams();
    let opt = makeOptimizer(c, p);
    let sched = makeScheduler(c.scheduler, opt) as CosineAnnealingLR;
    const dir = await Deno.makeTempDir();
    const path = `${dir}/adam.safetensors`;
    for (let k = 0; k < 10; k++) {
      if (k === saveAt) {
        await saveOptimizerState(path, opt, { scheduler: sched, metadata: { epoch: String(k) } });
        const values = snapshot(p);
        p = makeParams();
        p.W.data.data.set(values.W);
        p.b.data.data.set(values.b);
        opt = makeOptimizer({ ...c, defaults: { lr: 9 } }, p);
        sched = makeScheduler(c.scheduler, opt) as CosineAnnealingLR;
        const saved = await loadOptimizerState(path);
        assert.equal(saved.metadata.epoch, String(k));
        assert.equal(saved.optimizerName, "Adam");
        opt.loadStateDict(saved.optimizer);
        sched.loadStateDict(saved.scheduler as SchedulerStateDict);
      }
      setGradients(p);
      opt.step();
      sched.step();
    }
    const files = [...Deno.readDirSync(dir)].map((e) => e.name);
    await Deno.remove(dir, { recursive: true });
    return { final: snapshot(p), files };
  };
  const whole = await run(null);
  const resumed = await run(5);
  assert.deepEqual(resumed.final, whole.final);
  assert.deepEqual(resumed.files, ["adam.safetensors"], "no temporary file left behind");
});

Deno.test("optimizerStateToSafetensors: tensors named state.<i>.<buffer>, counters and groups as JSON metadata", async () => {
  const a = param([1, 2]), b = param([3]);
  const opt = new Adam([{ params: [a] }, { params: [b], amsgrad: true, lr: 0.5 }]);
  setGrad(a, [1, 1]);
  setGrad(b, [2]);
  opt.step();
  const { tensors, metadata } = optimizerStateToSafetensors(opt);
  assert.deepEqual(Object.keys(tensors).sort(), [
    "state.0.exp_avg",
    "state.0.exp_avg_sq",
    "state.1.exp_avg",
    "state.1.exp_avg_sq",
    "state.1.max_exp_avg_sq",
  ]);
  assert.equal(metadata.format, "nnc.optim/1");
  assert.deepEqual(JSON.parse(metadata.state), { "0": { step: 1 }, "1": { step: 1 } });
  const groups = JSON.parse(metadata.param_groups);
  assert.deepEqual(groups[1], {
    lr: 0.5,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weight_decay: 0,
    amsgrad: true,
    maximize: false,
    variant: "torch",
    params: [1],
  });
  // It is a plain safetensors file: any reader sees the tensors and the metadata.
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  await saveOptimizerState(path, opt);
  const raw = await loadSafetensors(path);
  assert.deepEqual(raw.tensors["state.1.max_exp_avg_sq"].toArray(), [(1 - 0.999) * 2 * 2]);
  assert.equal(raw.metadata.optimizer, "Adam");
  saveOptimizerStateSync(path, opt.stateDict());
  assert.equal(
    loadOptimizerStateSync(path).optimizerName,
    null,
    "a bare state dict carries no class name",
  );
  await Deno.remove(path);
});

Deno.test("encodeOptimizerState/decodeOptimizerState: random states round-trip exactly (Infinity, NaN and -0 included)", () => {
  const entry = fc.record({
    step: fc.integer({ min: 0, max: 1e6 }),
    buf: fc.array(fc.double(), { minLength: 1, maxLength: 6 }),
  });
  fc.assert(
    fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), fc.double(), (entries, best) => {
      const sd: OptimizerStateDict = {
        state: Object.fromEntries(
          entries.map((
            e,
            i,
          ) => [String(i), { step: e.step, exp_avg: NDArray.fromTyped(Float64Array.from(e.buf)) }]),
        ),
        param_groups: [{
          lr: 0.1,
          betas: [0.9, 0.99],
          amsgrad: false,
          variant: "torch",
          params: entries.map((_, i) => i),
        }],
      };
      const sched: SchedulerStateDict = {
        name: "ReduceLROnPlateau",
        best,
        minLrs: [0, Infinity],
        mode: "min",
      };
      const back = decodeOptimizerState(encodeOptimizerState(sd, { scheduler: sched }));
      assert.equal(plain(back.optimizer), plain(sd));
      assert.ok(Object.is(back.scheduler?.best, best));
      assert.deepEqual(back.scheduler, sched);
    }),
    { numRuns: 60 },
  );
});

Deno.test("saveOptimizerState: a ReduceLROnPlateau state with best = Infinity survives the file", async () => {
  const opt = new Adam([param([1])]);
  const plateau = new ReduceLROnPlateau(opt, { patience: 3 });
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  await saveOptimizerState(path, opt, { scheduler: plateau });
  const again = new ReduceLROnPlateau(opt);
  again.loadStateDict((await loadOptimizerState(path)).scheduler as SchedulerStateDict);
  assert.equal(again.best, Infinity);
  assert.equal(again.patience, 3);
  await Deno.remove(path);
});

Deno.test("optimizer state files: errors name the file and the problem; a failed save leaves the old file", async () => {
  const opt = new Adam([param([1])]);
  const good = encodeOptimizerState(opt);
  const notOptim = encodeSafetensors({ w: NDArray.fromTyped(new Float32Array([1])) }, {
    format: "pt",
  });
  assert.throws(() => decodeOptimizerState(notOptim, { name: "model.safetensors" }), {
    name: "TypeError",
    message:
      'decodeOptimizerState (model.safetensors): __metadata__.format is "pt", expected "nnc.optim/1": not an optimizer state',
  });
  const { tensors, metadata } = decodeSafetensors(good);
  assert.throws(
    () =>
      optimizerStateFromSafetensors(
        { tensors, metadata: { ...metadata, param_groups: "[{" } },
        "x",
      ),
    {
      name: "TypeError",
      message: /optimizerStateFromSafetensors \(x\): __metadata__.param_groups is not valid JSON/,
    },
  );
  assert.throws(
    () =>
      optimizerStateFromSafetensors({
        tensors: { "exp_avg": NDArray.fromTyped(new Float32Array([1])) },
        metadata,
      }, "x"),
    {
      name: "RangeError",
      message:
        'optimizerStateFromSafetensors (x): tensor "exp_avg" is not named state.<index>.<buffer>',
    },
  );
  assert.throws(() => encodeOptimizerState(opt, { metadata: { state: "mine" } }), {
    name: "RangeError",
    message: 'encodeOptimizerState: metadata key "state" is reserved for the optimizer state',
  });
  assert.throws(() => encodeOptimizerState({} as never), {
    name: "TypeError",
    message: /expected an Optimizer or a state dict/,
  });
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  await Deno.writeFile(path, good);
  await assert.rejects(
    () => saveOptimizerState(path, opt, { metadata: { format: "x" } }),
    RangeError,
  );
  assert.deepEqual(await Deno.readFile(path), good, "the previous file is intact");
  await Deno.remove(path);
});

Deno.test("optimizer state functions name themselves in argument errors (found by the API fuzzer)", async () => {
  // These used to be engine errors ("Cannot read properties of undefined (reading 'format')",
  // "Cannot convert undefined or null to object") or to name the function called inside.
  assert.throws(
    () => optimizerStateFromSafetensors(undefined as never),
    /^TypeError: optimizerStateFromSafetensors \(<optimizer state>\): expected safetensors contents/,
  );
  assert.throws(
    () => encodeOptimizerState({ state: {}, param_groups: [] }, null as never),
    /^TypeError: encodeOptimizerState: options must be an object/,
  );
  assert.throws(
    () => encodeOptimizerState({ state: { 0: null }, param_groups: [] } as never),
    /^TypeError: encodeOptimizerState: state\[0\] must be an object/,
  );
  assert.throws(
    () => decodeOptimizerState(new Uint8Array(3)),
    /^RangeError: decodeOptimizerState: decodeSafetensors/,
  );
  await assert.rejects(
    () => loadOptimizerState([] as never),
    /^TypeError: loadOptimizerState: path must be/,
  );
});
