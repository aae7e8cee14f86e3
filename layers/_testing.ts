// Test helpers: PyTorch reference cases from fixtures/*.json, run against nnc modules, and gradcheck
// of a module's parameters through functionalCall.
import { array, assertClose, type DType, type NDArray } from "@nnc/tensor";
import { gradcheck, type GradcheckReport, Tensor } from "@nnc/autograd";
import type { AnyModule, Module } from "./module.ts";
import { functionalCall } from "./functional_call.ts";

/** A tensor as the fixture script writes it. */
export interface Encoded {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** One layer case of fixtures/layers.json. */
export interface LayerCase {
  name: string;
  mode: "train" | "eval";
  state: Record<string, Encoded>;
  inputs: Encoded[];
  g: Encoded;
  output: Encoded;
  inputGrads?: (Encoded | null)[];
  paramGrads?: Record<string, Encoded>;
  buffersAfter: Record<string, Encoded>;
}

/** One loss case of fixtures/losses.json. */
export interface LossCase {
  name: string;
  inputs: Encoded[];
  others: Encoded[];
  g: Encoded;
  output: Encoded;
  inputGrads: Encoded[];
  options: Record<string, unknown>;
}

function readJson<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

const layerCases = new Map<string, Map<string, LayerCase>>();
let lossCases: Map<string, LossCase> | null = null;

/** The layer case `name` of `file` (default `layers.json`). */
export function layerCase(name: string, file = "layers.json"): LayerCase {
  if (!layerCases.has(file)) {
    const cases = readJson<{ cases: LayerCase[] }>(file).cases;
    layerCases.set(file, new Map(cases.map((c) => [c.name, c])));
  }
  const c = layerCases.get(file)!.get(name);
  if (c === undefined) throw new Error(`no layer fixture '${name}' in ${file}`);
  return c;
}

/** The loss case `name`. */
export function lossCase(name: string): LossCase {
  lossCases ??= new Map(
    readJson<{ cases: LossCase[] }>("losses.json").cases.map((c) => [c.name, c]),
  );
  const c = lossCases.get(name);
  if (c === undefined) throw new Error(`no loss fixture '${name}'`);
  return c;
}

/** Reads a fixture JSON file (`cnn.json`, …). */
export function fixtureJson<T>(name: string): T {
  return readJson<T>(name);
}

/** The array of an encoded tensor. */
export function decode(e: Encoded): NDArray {
  return array(e.data, { dtype: e.dtype, shape: e.shape });
}

/** PyTorch-comparison tolerances of the issue: 1e-5 relative in float64, 1e-4 in float32. */
export function tolerance(dtype: DType): { rtol: number; atol: number } {
  return dtype === "float64" ? { rtol: 1e-5, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-6 };
}

/**
 * Loads the case's state into `module`, runs forward in the case's mode, and compares the output,
 * the gradients of `Σ output ⊙ g` with respect to inputs and parameters, and the buffers after
 * the pass with PyTorch's.
 */
export function checkLayerCase(name: string, module: AnyModule, file = "layers.json"): void {
  const c = layerCase(name, file);
  runLayerCase(c, module, c.mode === "train");
  // Layers without mode-dependent state or randomness must give PyTorch's values in eval mode too.
  const modal = module.buffers().length > 0 ||
    module.modules().some((m) => m.constructor.name.startsWith("Dropout"));
  if (c.mode === "train" && !modal) {
    module.zeroGrad();
    runLayerCase(c, module, false);
  }
}

function runLayerCase(c: LayerCase, module: AnyModule, training: boolean): void {
  const name = `${c.name} (${training ? "train" : "eval"} mode)`;
  const state: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(c.state)) state[k] = decode(v);
  module.loadStateDict(state);
  module.train(training);
  const inputs = c.inputs.map((e) =>
    new Tensor(decode(e), { requiresGrad: e.dtype !== "int32" && c.inputGrads !== undefined })
  );
  const out = (module as unknown as Module<Tensor[], Tensor>).forward(...inputs);
  const tol = tolerance(c.output.dtype);
  assertClose(out.data, decode(c.output), { ...tol, message: `${name}: output` });
  if (out.dtype !== c.output.dtype) {
    throw new Error(`${name}: output dtype ${out.dtype}, expected ${c.output.dtype}`);
  }
  if (c.inputGrads !== undefined) {
    out.mul(new Tensor(decode(c.g))).sum().backward();
    c.inputGrads.forEach((e, i) => {
      if (e === null) return;
      const g = inputs[i].grad;
      if (g === null) throw new Error(`${name}: input ${i} got no gradient`);
      assertClose(g.data, decode(e), { ...tol, message: `${name}: gradient of input ${i}` });
    });
    const params = new Map(module.namedParameters());
    for (const [k, e] of Object.entries(c.paramGrads ?? {})) {
      const g = params.get(k)?.grad;
      if (g === null || g === undefined) throw new Error(`${name}: parameter ${k} got no gradient`);
      assertClose(g.data, decode(e), { ...tol, message: `${name}: gradient of ${k}` });
    }
  }
  const buffers = new Map(module.namedBuffers());
  for (const [k, e] of Object.entries(c.buffersAfter)) {
    const b = buffers.get(k);
    if (b === undefined) throw new Error(`${name}: missing buffer ${k}`);
    assertClose(b.data.astype("float64"), decode(e).astype("float64"), {
      ...tol,
      message: `${name}: buffer ${k} after forward`,
    });
  }
}

/**
 * gradcheck (float64) of `module` with respect to its input(s) and all its parameters. The module
 * must already be float64.
 */
export function gradcheckModule(
  module: AnyModule,
  inputs: readonly Tensor[],
  options: { atol?: number; rtol?: number } = {},
): GradcheckReport {
  const named = module.namedParameters();
  const n = inputs.length;
  const fn = (...xs: Tensor[]): Tensor => {
    const params: Record<string, Tensor> = {};
    named.forEach(([k], i) => (params[k] = xs[n + i]));
    return functionalCall(module as unknown as Module<Tensor[], Tensor>, params, ...xs.slice(0, n));
  };
  const all = [
    ...inputs.map((x) => new Tensor(x.data, { requiresGrad: x.dtype !== "int32" })),
    ...named.map(([, p]) => new Tensor(p.data, { requiresGrad: true })),
  ];
  return gradcheck(fn, all, { atol: options.atol ?? 1e-6, rtol: options.rtol ?? 1e-4 });
}

/** Runs a loss case: compares the value and the gradients of `Σ value ⊙ g` with PyTorch's. */
export function checkLossCase(
  name: string,
  fn: (inputs: Tensor[], others: NDArray[], options: Record<string, unknown>) => Tensor,
): void {
  const c = lossCase(name);
  const inputs = c.inputs.map((e) => new Tensor(decode(e), { requiresGrad: true }));
  const out = fn(inputs, c.others.map(decode), c.options);
  const tol = tolerance("float64");
  assertClose(out.data, decode(c.output), { ...tol, message: `${name}: value` });
  out.mul(new Tensor(decode(c.g))).sum().backward();
  c.inputGrads.forEach((e, i) => {
    const g = inputs[i].grad;
    if (g === null) throw new Error(`${name}: input ${i} got no gradient`);
    assertClose(g.data, decode(e), { ...tol, message: `${name}: gradient of input ${i}` });
  });
}
