// Test helpers for the recurrent layers: the PyTorch cases of fixtures/recurrent.json (made by
// fixtures/recurrent.py), run against nnc's layers and cells.
import { assertClose, type NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import type { Module } from "./module.ts";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";

/** One case of fixtures/recurrent.json. */
export interface RecurrentCase {
  name: string;
  kind: "rnn" | "lstm" | "gru";
  options: Record<string, unknown>;
  lengths?: number[] | null;
  state: Record<string, Encoded>;
  x: Encoded;
  h0: Encoded;
  c0?: Encoded;
  g_out?: Encoded;
  g_h: Encoded;
  g_c?: Encoded;
  output?: Encoded;
  h_n: Encoded;
  c_n?: Encoded;
  grad_x: Encoded;
  grad_h0: Encoded;
  grad_c0?: Encoded;
  param_grads: Record<string, Encoded>;
}

let cases: RecurrentCase[] | null = null;

/** The cases of one kind (`rnn`, `lstm`, `gru`), layers or cells. */
export function recurrentCases(kind: string, cells: boolean): RecurrentCase[] {
  cases ??= fixtureJson<{ cases: RecurrentCase[] }>("recurrent.json").cases;
  return cases.filter((c) => c.kind === kind && c.name.includes(" cell") === cells);
}

/** The tolerance for PyTorch parity in float64: 1e-9 relative. */
const TOL = { rtol: 1e-9, atol: 1e-12 };

/**
 * Loads the case's state dict into `module` (float64), runs `run(x, h0, c0)` which returns
 * `[output | null, h_n, c_n | null]`, and compares outputs, final states and the gradients of the
 * case's scalar with respect to the input, the initial states and every parameter.
 */
export function checkRecurrentCase(
  c: RecurrentCase,
  module: Module<never[], unknown>,
  run: (x: Tensor, h0: Tensor, c0: Tensor | null) => [Tensor | null, Tensor, Tensor | null],
): void {
  const state: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(c.state)) state[k] = decode(v);
  module.loadStateDict(state);
  module.zeroGrad();
  const x = new Tensor(decode(c.x), { requiresGrad: true });
  const h0 = new Tensor(decode(c.h0), { requiresGrad: true });
  const c0 = c.c0 ? new Tensor(decode(c.c0), { requiresGrad: true }) : null;
  const [out, hn, cn] = run(x, h0, c0);
  const check = (a: Tensor | null, e: Encoded | undefined, what: string) => {
    if (e === undefined) return;
    if (a === null) throw new Error(`${c.name}: no ${what}`);
    assertClose(a.data, decode(e), { ...TOL, message: `${c.name}: ${what}` });
  };
  check(out, c.output, "output");
  check(hn, c.h_n, "h_n");
  check(cn, c.c_n, "c_n");
  let loss = hn.mul(new Tensor(decode(c.g_h))).sum();
  if (out !== null && c.g_out) loss = loss.add(out.mul(new Tensor(decode(c.g_out))).sum());
  if (cn !== null && c.g_c) loss = loss.add(cn.mul(new Tensor(decode(c.g_c))).sum());
  loss.backward();
  check(x.grad, c.grad_x, "gradient of the input");
  check(h0.grad, c.grad_h0, "gradient of h0");
  if (c0 !== null) check(c0.grad, c.grad_c0, "gradient of c0");
  const params = new Map(module.namedParameters());
  const names = Object.keys(c.param_grads);
  if (names.length !== params.size) {
    throw new Error(`${c.name}: ${params.size} parameters, PyTorch has ${names.length}`);
  }
  for (const k of names) check(params.get(k)?.grad ?? null, c.param_grads[k], `gradient of ${k}`);
}
