import assert from "node:assert/strict";
import { array, NDArray } from "@nnc/tensor";
import { Tensor, tensor } from "@nnc/autograd";
import { Adam, type OptimizerStateDict, type ParamState, RMSprop, SGD } from "./mod.ts";
import {
  assertClose,
  assertTrajectory,
  fixtures,
  makeOptimizer,
  makeParams,
  replay,
  setGradients,
  snapshot,
} from "./_trajectory_testing.ts";
import { param, setGrad } from "./_scalar_testing.ts";

Deno.test("Optimizer: parameter errors name the optimiser, the position and the value", () => {
  const ok = param([1]);
  assert.throws(() => new Adam([ok, 3 as unknown as Tensor]), {
    name: "TypeError",
    message: "Adam: params[1] must be a Tensor like the others, got 3",
  });
  assert.throws(() => new Adam([array([1, 2]) as unknown as Tensor]), {
    name: "TypeError",
    message:
      "Adam: params[0] must be a Tensor or a parameter group { params, ...options }, got an NDArray of shape [2] (wrap it: tensor(x, { requiresGrad: true }))",
  });
  assert.throws(() => new SGD([ok, tensor([1, 2, 3])], { lr: 0.1 }), {
    name: "RangeError",
    message:
      "SGD: param group 0: params[1] (shape [3]) does not require grad; create it with { requiresGrad: true } or leave it out",
  });
  assert.throws(() => new Adam([ok, ok]), {
    name: "RangeError",
    message: "Adam: param group 0: params[1] is the same tensor as params[0]",
  });
  assert.throws(() => new Adam([{ params: [ok] }, { params: [param([2]), ok] }]), {
    name: "RangeError",
    message: "Adam: param group 1: params[1] (shape [1]) is already in param group 0",
  });
  assert.throws(() => new Adam([]), {
    name: "RangeError",
    message: "Adam: got an empty parameter list",
  });
  assert.throws(() => new Adam("w" as unknown as Tensor[]), {
    name: "TypeError",
    message: /Adam: params must be a Tensor, an iterable .* got "w"/,
  });
  const nonLeaf = ok.mul(2);
  assert.throws(() => new Adam([nonLeaf]), {
    name: "RangeError",
    message:
      /Adam: param group 0: params\[0\] \(shape \[1\]\) is not a leaf tensor \(made by '.*'\)/,
  });
  assert.throws(() => new Adam([ok], { weight_decay: 0.1 } as never), {
    name: "TypeError",
    message: /Adam: unknown option "weight_decay" \(did you mean "weightDecay"\?\)/,
  });
  assert.throws(() => new Adam([{ params: [ok], lrr: 0.1 } as never]), {
    name: "TypeError",
    message: /Adam: param group 0: unknown option "lrr"/,
  });
  assert.throws(() => new Adam([{ parameters: [ok] } as never]), {
    name: "TypeError",
    message: /Adam: params\[0\] must be a Tensor or a parameter group/,
  });
  assert.throws(() => new Adam([ok]).addParamGroup([ok] as never), {
    name: "TypeError",
    message:
      /Adam: param group 1: expected an object with a "params" list, got an array of length 1/,
  });
  assert.throws(() => new Adam([{ params: [array([1])] as never }]), {
    name: "TypeError",
    message:
      "Adam: param group 0: params[0] must be a Tensor, got an NDArray of shape [1] (wrap it: tensor(x, { requiresGrad: true }))",
  });
  assert.throws(() => new Adam([ok], null as never), {
    name: "TypeError",
    message: "Adam: options must be an object, got null",
  });
  const opt = new Adam([ok]);
  assert.throws(() => opt.addParamGroup({ params: [ok] }), {
    name: "RangeError",
    message: /Adam: param group 1: params\[0\] .* is already in param group 0/,
  });
  assert.equal(opt.paramGroups.length, 1, "a rejected group is not added");
});

Deno.test("Optimizer: groups take the defaults they do not set; a single Tensor and generators work", () => {
  const a = param([1]), b = param([2]), c = param([3]);
  function* gen() {
    yield a;
    yield b;
  }
  const opt = new SGD(gen(), { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
  opt.addParamGroup({ params: c, lr: 0.5, nesterov: true });
  assert.equal(opt.paramGroups[0].params.length, 2);
  assert.deepEqual(
    {
      lr: opt.paramGroups[1].lr,
      momentum: opt.paramGroups[1].momentum,
      wd: opt.paramGroups[1].weightDecay,
      n: opt.paramGroups[1].nesterov,
    },
    { lr: 0.5, momentum: 0.9, wd: 0.01, n: true },
  );
  const single = new Adam(a, { lr: 0.2 });
  assert.equal(single.paramGroups[0].params[0], a);
  // Groups copy the betas array: changing the caller's array later changes nothing.
  const betas: [number, number] = [0.5, 0.6];
  const own = new Adam([{ params: [b], betas }]);
  betas[0] = 0.99;
  assert.deepEqual(own.paramGroups[0].betas, [0.5, 0.6]);
});

Deno.test("Optimizer: zeroGrad clears or zero-fills; parameters without a gradient are skipped", () => {
  const a = param([1, 2]), b = param([5]);
  const opt = new SGD([a, b], { lr: 0.5 });
  setGrad(a, [2, 4]);
  opt.step(); // b has no gradient: unchanged
  assert.deepEqual(a.toArray(), [0, 0]);
  assert.deepEqual(b.toArray(), [5]);
  const g = a.grad as Tensor;
  opt.zeroGrad({ setToNone: false });
  assert.equal(a.grad, g, "zero-filled in place");
  assert.deepEqual(g.toArray(), [0, 0]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.throws(() => opt.zeroGrad({ setToNone: 0 as never }), {
    name: "TypeError",
    message: "SGD.zeroGrad: setToNone must be a boolean, got 0",
  });
  // A gradient that is a view of something else is replaced, never written through.
  const shared = array([7, 7, 7]);
  a.grad = new Tensor(shared.slice({ start: 0, stop: 2 }));
  opt.zeroGrad({ setToNone: false });
  assert.deepEqual(a.grad.toArray(), [0, 0]);
  assert.deepEqual(
    shared.toArray(),
    [0, 0, 7],
    "contiguous leaf gradients are zeroed in place, as PyTorch",
  );
});

Deno.test("Optimizer: step(closure) runs the closure with grad recording on and returns its result", () => {
  const w = tensor([3, -1], { dtype: "float64", requiresGrad: true });
  const opt = new SGD([w], { lr: 0.25 });
  const losses: number[] = [];
  for (let k = 0; k < 3; k++) {
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    });
    losses.push(loss.item());
  }
  assert.deepEqual(losses, [10, 2.5, 0.625]);
  assert.deepEqual(w.toArray(), [0.375, -0.125]);
  assert.throws(() => opt.step(42 as never), {
    name: "TypeError",
    message: "SGD.step: closure must be a function, got 42",
  });
});

Deno.test("Optimizer: non-contiguous parameters are updated through the view; gradients of any layout and dtype are read", () => {
  const base = NDArray.fromTyped(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const w = new Tensor(base.transpose(), { requiresGrad: true }); // [3, 2] view
  const opt = new SGD([w], { lr: 1 });
  w.grad = new Tensor(NDArray.fromTyped(new Float32Array([1]), [1, 1]).expand([3, 2])); // broadcast view, float32
  opt.step();
  assert.deepEqual(base.toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(w.data.storage, base.storage, "the parameter keeps its storage");
  w.grad = new Tensor(NDArray.fromTyped(new Float64Array(4), [4]));
  assert.throws(() => opt.step(), {
    name: "RangeError",
    message: "SGD: gradient of shape [4] does not match its parameter of shape [3, 2]",
  });
});

type TorchStateDict = (typeof fixtures)["stateDict"]["stateDict"];

function fromTorch(sd: TorchStateDict, shapes: Record<string, number[]>): OptimizerStateDict {
  const state: Record<string, ParamState> = {};
  for (const [i, entries] of Object.entries(sd.state)) {
    state[i] = {};
    for (const [k, v] of Object.entries(entries)) {
      state[i][k] = Array.isArray(v) ? NDArray.fromTyped(Float64Array.from(v), shapes[i]) : v;
    }
  }
  return { state, param_groups: sd.param_groups as OptimizerStateDict["param_groups"] };
}

Deno.test("Optimizer: stateDict has PyTorch's layout and values (Adam, two groups, AMSGrad in one, after 3 steps)", () => {
  const c = fixtures.stateDict;
  const p = makeParams();
  const opt = makeOptimizer(c, p);
  for (let k = 0; k < 3; k++) {
    setGradients(p);
    opt.step();
  }
  const ours = opt.stateDict();
  const torch = c.stateDict;
  assert.deepEqual(Object.keys(ours.state), Object.keys(torch.state));
  for (const [i, entries] of Object.entries(torch.state)) {
    assert.deepEqual(
      Object.keys(ours.state[i]).sort(),
      Object.keys(entries).sort(),
      `state[${i}] keys`,
    );
    for (const [k, v] of Object.entries(entries)) {
      const mine = ours.state[i][k];
      if (Array.isArray(v)) assertClose(Array.from((mine as NDArray).data), v, `state[${i}].${k}`);
      else assert.equal(mine, v, `state[${i}].${k}`);
    }
  }
  const torchOnly = new Set(["foreach", "capturable", "differentiable", "fused"]);
  ours.param_groups.forEach((g, gi) => {
    const t = torch.param_groups[gi];
    const keys = (o: object) =>
      Object.keys(o).filter((k) => !torchOnly.has(k) && k !== "variant").sort();
    assert.deepEqual(keys(g), keys(t), `param_groups[${gi}] keys`);
    for (const k of keys(t)) assert.deepEqual(g[k], t[k], `param_groups[${gi}].${k}`);
  });
});

Deno.test("Optimizer: loading PyTorch's state dict continues PyTorch's trajectory", () => {
  const c = fixtures.stateDict;
  const p = makeParams();
  p.W.data.data.set(c.paramsAfter3.W);
  p.b.data.data.set(c.paramsAfter3.b);
  const opt = new Adam([{ params: [p.W] }, { params: [p.b] }], { lr: 1 }); // hyperparameters come from the dict
  opt.loadStateDict(fromTorch(c.stateDict, { "0": [3, 2], "1": [2] }));
  assert.equal(opt.paramGroups[1].amsgrad, true);
  const traj = [];
  for (let k = 3; k < 10; k++) {
    setGradients(p);
    opt.step();
    traj.push(snapshot(p));
  }
  assertTrajectory(traj, c.trajectory.slice(3), "after loading torch's state");
});

Deno.test("Optimizer: stateDict round trip gives the identical trajectory for every optimiser case", () => {
  for (const c of fixtures.optimizers) {
    const p = makeParams();
    const opt = makeOptimizer(c, p);
    for (let k = 0; k < 4; k++) {
      setGradients(p);
      opt.step();
    }
    const sd = opt.stateDict();
    const frozen = JSON.stringify(sd, (_k, v) => v instanceof NDArray ? Array.from(v.data) : v);
    const q = makeParams();
    q.W.data.data.set(p.W.data.data);
    q.b.data.data.set(p.b.data.data);
    const again = makeOptimizer({ ...c, defaults: { ...c.defaults, lr: 123 } }, q);
    again.loadStateDict(sd);
    for (let k = 4; k < 10; k++) {
      setGradients(p);
      opt.step();
      setGradients(q);
      again.step();
    }
    assert.deepEqual(snapshot(q), snapshot(p), c.id);
    assert.deepEqual(
      snapshot(p),
      replay(c).trajectory[9],
      `${c.id}: exact same numbers as an uninterrupted run`,
    );
    const after = JSON.stringify(sd, (_k, v) => v instanceof NDArray ? Array.from(v.data) : v);
    assert.equal(after, frozen, `${c.id}: the state dict is a snapshot, not live`);
  }
});

Deno.test("Optimizer: loadStateDict validates everything before changing anything", () => {
  const a = param([1, 2]), b = param([3]);
  const opt = new RMSprop([{ params: [a] }, { params: [b], lr: 0.5 }], { momentum: 0.9 });
  setGrad(a, [1, 1]);
  setGrad(b, [1]);
  opt.step();
  const good = opt.stateDict();
  const before = JSON.stringify(
    opt.stateDict(),
    (_k, v) => v instanceof NDArray ? Array.from(v.data) : v,
  );
  const bad = (f: (sd: OptimizerStateDict) => void) => {
    const sd = opt.stateDict();
    f(sd);
    return sd;
  };
  assert.throws(() => opt.loadStateDict(bad((sd) => sd.param_groups.pop())), {
    name: "RangeError",
    message: "RMSprop.loadStateDict: the state dict has 1 param groups, the optimizer has 2",
  });
  assert.throws(() => opt.loadStateDict(bad((sd) => sd.param_groups[1].params.push(7))), {
    name: "RangeError",
    message: "RMSprop.loadStateDict: param_groups[1] has 2 params, the optimizer's group has 1",
  });
  assert.throws(
    () => opt.loadStateDict(bad((sd) => (sd.state["0"].square_avg = array([1, 2, 3])))),
    {
      name: "RangeError",
      message:
        "RMSprop.loadStateDict: state[0].square_avg has shape [3], its parameter has shape [2]",
    },
  );
  assert.throws(() => opt.loadStateDict(bad((sd) => (sd.state["1"].exp_avg = array([1])))), {
    name: "RangeError",
    message:
      /RMSprop.loadStateDict: state\[1\]: unknown state entry "exp_avg" for RMSprop; known: step, square_avg, momentum_buffer, grad_avg/,
  });
  assert.throws(() => opt.loadStateDict(bad((sd) => (sd.state["5"] = {}))), {
    name: "RangeError",
    message: /state key "5" is not the index/,
  });
  assert.throws(() => opt.loadStateDict(bad((sd) => (sd.param_groups[0].lr = -1))), {
    name: "RangeError",
    message: "RMSprop.loadStateDict: param_groups[0]: lr must be a finite number >= 0, got -1",
  });
  assert.throws(() => opt.loadStateDict(bad((sd) => (sd.state["0"].step = "3" as never))), {
    name: "TypeError",
    message: 'RMSprop.loadStateDict: state[0].step must be a finite number, got "3"',
  });
  assert.throws(() => opt.loadStateDict(null as never), {
    name: "TypeError",
    message: /expected a state dict object, got null/,
  });
  const after = JSON.stringify(
    opt.stateDict(),
    (_k, v) => v instanceof NDArray ? Array.from(v.data) : v,
  );
  assert.equal(after, before, "failed loads changed nothing");
  opt.loadStateDict(good);
  // A dtype change converts the buffers to the parameter's dtype.
  const f32 = new Tensor(NDArray.fromTyped(new Float32Array([1, 2])), { requiresGrad: true });
  const o32 = new RMSprop([f32]);
  o32.loadStateDict({
    state: { "0": { step: 1, square_avg: array([1, 2], { dtype: "float64" }) } },
    param_groups: [{ ...good.param_groups[0], params: [0] }],
  });
  assert.equal((o32.state.get(f32)?.square_avg as NDArray).dtype, "float32");
});

Deno.test("zeroGrad recycles the gradients nobody read: the same trajectory, the pool reused", async () => {
  const { emptyStoragePool, Rng, randn, storagePoolStats } = await import("@nnc/tensor");
  // 2^18 float32 = 1 MiB, large enough for the storage pool; loss Σ tanh(w ⊙ x)² over 5 steps.
  const x = new Tensor(randn([1 << 18], { rng: new Rng(1) }));
  const train = (Opt: typeof SGD | typeof Adam, readGrads: boolean) => {
    emptyStoragePool();
    const w = new Tensor(randn([1 << 18], { rng: new Rng(2) }), { requiresGrad: true });
    const opt = new Opt([w], { lr: 0.05 });
    const kept: Tensor[] = [];
    const before = storagePoolStats();
    for (let k = 0; k < 5; k++) {
      opt.zeroGrad();
      w.mul(x).tanh().square().sum().backward();
      if (readGrads) kept.push(w.grad!); // read through `grad`: handed over, never recycled
      opt.step();
    }
    const after = storagePoolStats();
    return {
      w: Array.from(w.data.data),
      kept: kept.map((g) => g.data.data.length),
      gradReleases: after.releases - before.releases,
    };
  };
  for (const Opt of [SGD, Adam]) {
    const plain = train(Opt, false), read = train(Opt, true);
    assert.deepEqual(plain.w, read.w, Opt.name);
    assert.deepEqual(read.kept, [1, 2, 3, 4, 5].map(() => 1 << 18)); // every kept gradient intact
    // zeroGrad released the four gradients the steps before the last had made.
    assert.equal(plain.gradReleases - read.gradReleases, 4, Opt.name);
  }
});

Deno.test("Optimizer and LRScheduler: the abstract bases refuse to be constructed, naming themselves", async () => {
  const { Optimizer, LRScheduler } = await import("./mod.ts");
  const Base = Optimizer as unknown as new (...a: unknown[]) => unknown;
  assert.throws(
    () => new Base("x", [], {}, {}),
    /^TypeError: Optimizer: the base class cannot be constructed/,
  );
  const Sched = LRScheduler as unknown as new (...a: unknown[]) => unknown;
  assert.throws(
    () => new Sched("x", null),
    /^TypeError: LRScheduler: the base class cannot be constructed/,
  );
});
