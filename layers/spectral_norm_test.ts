import assert from "node:assert/strict";
import { assertClose, decodeSafetensors, encodeSafetensors, type NDArray, Rng } from "@nnc/tensor";
import { randn, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  Conv2d,
  ConvTranspose2d,
  Linear,
  removeSpectralNorm,
  spectralNorm,
  type SpectralNormOptions,
  weightNorm,
} from "./mod.ts";
import { decode, type Encoded, fixtureJson, gradcheckModule } from "./_testing.ts";

// Fixtures: layers/fixtures/spectral_fold_fixtures.py (PyTorch 2.x; the version is in the JSON).
interface SpectralCase {
  name: string;
  options: { n_power_iterations?: number; dim?: number };
  keys: string[];
  state: Record<string, Encoded>;
  inputs: Encoded[];
  g: Encoded;
  after: Record<
    "weight" | "weight_u" | "weight_v" | "output" | "gradWeightOrig" | "gradBias" | "gradInput",
    Encoded
  >;
  evalInput: Encoded;
  evalOutput: Encoded;
  removedWeight: Encoded;
  removedKeys: string[];
}

const FIXTURE = fixtureJson<{ torch: string; spectral: SpectralCase[] }>("spectral_fold.json");
const f64 = { dtype: "float64" as const };
const TIGHT = { rtol: 1e-12, atol: 1e-13 };

type Fwd = { forward(x: Tensor): Tensor };

const MAKERS: Record<string, () => AnyModule> = {
  linear: () => new Linear(5, 4, f64),
  linear_wide_3iter: () => new Linear(7, 3, f64),
  conv2d: () => new Conv2d(3, 4, [3, 2], f64),
  conv2d_dim1_2iter: () => new Conv2d(2, 3, 2, f64),
  conv_transpose2d: () => new ConvTranspose2d(3, 2, [2, 3], f64),
};

function field(m: AnyModule, name: string): Tensor {
  return (m as unknown as Record<string, Tensor>)[name];
}

function buffer(m: AnyModule, name: string): NDArray {
  const b = m.getBuffer(name);
  assert.ok(b !== undefined, `missing buffer ${name}`);
  return b.data;
}

for (const c of FIXTURE.spectral) {
  Deno.test(`spectralNorm ${c.name}: PyTorch ${FIXTURE.torch}'s u, v, weight, output and gradients after three training forwards`, () => {
    const options: SpectralNormOptions = {};
    if (c.options.n_power_iterations !== undefined) {
      options.nPowerIterations = c.options.n_power_iterations;
    }
    if (c.options.dim !== undefined) options.dim = c.options.dim;
    const m = spectralNorm(MAKERS[c.name](), { ...options, rng: new Rng(1) });
    assert.deepEqual(Object.keys(m.stateDict()), c.keys);
    const state: Record<string, NDArray> = {};
    for (const [k, v] of Object.entries(c.state)) state[k] = decode(v);
    m.loadStateDict(state);
    m.train();
    const fwd = m as unknown as Fwd;
    fwd.forward(new Tensor(decode(c.inputs[0])));
    fwd.forward(new Tensor(decode(c.inputs[1])));
    const x = new Tensor(decode(c.inputs[2]), { requiresGrad: true });
    const out = fwd.forward(x);
    out.mul(new Tensor(decode(c.g))).sum().backward();
    const a = c.after;
    const msg = (s: string) => ({ ...TIGHT, message: `${c.name}: ${s}` });
    assertClose(buffer(m, "weight_u"), decode(a.weight_u), msg("u"));
    assertClose(buffer(m, "weight_v"), decode(a.weight_v), msg("v"));
    assertClose(field(m, "weight").data, decode(a.weight), msg("weight"));
    assertClose(out.data, decode(a.output), msg("output"));
    assertClose(
      field(m, "weight_orig").grad!.data,
      decode(a.gradWeightOrig),
      msg("weight_orig grad"),
    );
    assertClose(field(m, "bias").grad!.data, decode(a.gradBias), msg("bias grad"));
    assertClose(x.grad!.data, decode(a.gradInput), msg("input grad"));
    // Evaluation mode: no power iteration, u and v stay.
    m.eval();
    const u = buffer(m, "weight_u").toArray(), v = buffer(m, "weight_v").toArray();
    const y = fwd.forward(new Tensor(decode(c.evalInput)));
    assertClose(y.data, decode(c.evalOutput), msg("eval output"));
    assert.deepEqual(buffer(m, "weight_u").toArray(), u);
    assert.deepEqual(buffer(m, "weight_v").toArray(), v);
    // Removing it leaves a plain parameter equal to the normalised weight.
    const normalised = field(m, "weight").data.toArray();
    removeSpectralNorm(m);
    assert.deepEqual(Object.keys(m.stateDict()), c.removedKeys);
    assert.deepEqual(m.buffers().length, 0);
    assert.deepEqual(field(m, "weight").data.toArray(), normalised);
    assertClose(field(m, "weight").data, decode(c.removedWeight), msg("removed weight"));
    const again = fwd.forward(new Tensor(decode(c.evalInput)));
    assertClose(again.data, decode(c.evalOutput), msg("output after remove"));
  });
}

Deno.test("spectralNorm: σ of the normalised weight tends to 1, u and v are unit vectors drawn from rng", () => {
  const a = spectralNorm(new Linear(6, 4, { ...f64, rng: new Rng(3) }), { rng: new Rng(7) });
  const b = spectralNorm(new Linear(6, 4, { ...f64, rng: new Rng(3) }), { rng: new Rng(7) });
  const c = spectralNorm(new Linear(6, 4, { ...f64, rng: new Rng(3) }), { rng: new Rng(8) });
  assert.deepEqual(buffer(a, "weight_u").toArray(), buffer(b, "weight_u").toArray());
  assert.notDeepEqual(buffer(a, "weight_u").toArray(), buffer(c, "weight_u").toArray());
  const norm = (t: NDArray) => Math.sqrt((t.toArray() as number[]).reduce((s, e) => s + e * e, 0));
  assert.ok(Math.abs(norm(buffer(a, "weight_u")) - 1) < 1e-14);
  assert.ok(Math.abs(norm(buffer(a, "weight_v")) - 1) < 1e-14);
  // Before the first forward the weight is the raw one, as in PyTorch.
  assert.deepEqual(field(a, "weight").data.toArray(), field(a, "weight_orig").data.toArray());
  const x = randn([2, 6], f64);
  for (let i = 0; i < 50; i++) (a as unknown as Fwd).forward(x);
  // The largest singular value of the normalised weight: ‖W v‖ with v the converged right vector.
  const w = field(a, "weight");
  const v = new Tensor(buffer(a, "weight_v"));
  const sigma = w.matmul(v.reshape([6, 1])).square().sum().sqrt().item();
  assert.ok(Math.abs(sigma - 1) < 1e-9, `σ = ${sigma}`);
});

Deno.test("spectralNorm: state-dict round trip (and through safetensors) gives the same module; stateDict arrays see u change in place", () => {
  const make = (seed: number) =>
    spectralNorm(new Conv2d(2, 3, 3, { ...f64, rng: new Rng(seed) }), { rng: new Rng(seed) });
  const a = make(1);
  const sd = a.stateDict();
  const u0 = sd.weight_u.toArray();
  const x = randn([1, 2, 5, 5], { ...f64, rng: new Rng(4) });
  (a as unknown as Fwd).forward(x);
  assert.notDeepEqual(sd.weight_u.toArray(), u0); // PyTorch updates the buffer in place too
  (a as unknown as Fwd).forward(x);
  const b = make(2);
  b.loadStateDict(decodeSafetensors(encodeSafetensors(a.stateDict())).tensors);
  for (const k of ["weight_orig", "bias", "weight_u", "weight_v"]) {
    assert.deepEqual(b.stateDict()[k].toArray(), a.stateDict()[k].toArray(), k);
  }
  a.eval();
  b.eval();
  assert.deepEqual(
    (b as unknown as Fwd).forward(x).toArray(),
    (a as unknown as Fwd).forward(x).toArray(),
  );
  a.train();
  b.train();
  assert.deepEqual(
    (b as unknown as Fwd).forward(x).toArray(),
    (a as unknown as Fwd).forward(x).toArray(),
  );
});

Deno.test("spectralNorm passes gradcheck in input, bias and weight_orig (eval mode: u, v fixed)", () => {
  const rng = new Rng(5);
  const fc = spectralNorm(new Linear(4, 3, { ...f64, rng }), { rng }).eval();
  assert.ok(gradcheckModule(fc, [randn([2, 4], { ...f64, rng })]).ok);
  const conv = spectralNorm(new ConvTranspose2d(2, 3, 2, { ...f64, rng }), { rng }).eval();
  assert.deepEqual(buffer(conv, "weight_u").shape, [3]); // dim 1 for transposed convolutions
  assert.ok(gradcheckModule(conv, [randn([1, 2, 3, 3], { ...f64, rng })]).ok);
});

Deno.test("spectralNorm and removeSpectralNorm: argument errors name the op, the value and the expectation", () => {
  assert.throws(() => spectralNorm({} as AnyModule), {
    name: "TypeError",
    message: "spectralNorm: expected a Module, got an object",
  });
  assert.throws(() => spectralNorm(new Linear(2, 2), { nPowerIterations: 0 }), {
    name: "RangeError",
    message: "spectralNorm: nPowerIterations must be an integer >= 1, got 0",
  });
  assert.throws(() => spectralNorm(new Linear(2, 2), { eps: -1 }), {
    name: "RangeError",
    message: "spectralNorm: eps must be a finite number >= 0, got -1",
  });
  assert.throws(() => spectralNorm(new Linear(2, 2), { dim: 2 }), {
    name: "RangeError",
    message: "spectralNorm: dim 2 is out of range for 'weight' of shape [2, 2]",
  });
  assert.throws(() => spectralNorm(new Linear(2, 2), { dim: "0" as unknown as number }), {
    name: "TypeError",
    message: 'spectralNorm: dim must be an integer, got "0"',
  });
  assert.throws(() => spectralNorm(new Linear(2, 2), { name: "gamma" }), {
    name: "RangeError",
    message: "spectralNorm: Linear has no parameter field 'gamma'",
  });
  assert.throws(() => spectralNorm(spectralNorm(new Linear(2, 2))), {
    name: "RangeError",
    message: "spectralNorm: Linear already has spectral norm",
  });
  assert.throws(() => removeSpectralNorm(new Linear(2, 2)), {
    name: "RangeError",
    message: /^removeSpectralNorm: .*Linear.* has no spectral norm$/,
  });
  const taken = new Linear(2, 2);
  taken.registerBuffer("weight_u", randn([2]));
  assert.throws(() => spectralNorm(taken), {
    name: "RangeError",
    message: "spectralNorm: Linear already has a member 'weight_u'",
  });
  assert.deepEqual(Object.keys(taken.stateDict()), ["weight", "bias", "weight_u"]); // unchanged
  // Negative dim counts from the end; the layer with weight norm on another parameter keeps both.
  const fc = spectralNorm(new Linear(3, 2, f64), { dim: -1 });
  assert.deepEqual(buffer(fc, "weight_u").shape, [3]);
  const both = weightNorm(spectralNorm(new Linear(3, 2, f64)), { name: "bias" });
  assert.deepEqual(Object.keys(both.stateDict()), [
    "weight_orig",
    "bias_g",
    "bias_v",
    "weight_u",
    "weight_v",
  ]);
  assert.deepEqual((both as unknown as Fwd).forward(randn([1, 3], f64)).shape, [1, 2]);
});
