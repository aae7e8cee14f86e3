// Test helper: the PyTorch cases of fixtures/more_losses.json (ranking_likelihood_fixtures.py),
// compared at 1e-12 relative: values, and gradients of Σ value ⊙ g with respect to the inputs.
import { assertClose, type NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";

/** One case of more_losses.json. */
export interface MoreLossCase {
  name: string;
  fn: string;
  inputs: Encoded[];
  others: Encoded[];
  options: Record<string, unknown>;
  g: Encoded;
  output: Encoded;
  inputGrads: Encoded[];
}

/** Computes a case's loss from its differentiable inputs, constants and options. */
export type MoreLossImpl = (
  inputs: Tensor[],
  others: NDArray[],
  options: Record<string, unknown>,
) => Tensor;

/** The torch version and cases of more_losses.json. */
export function moreLossFixtures(): { torch: string; cases: MoreLossCase[] } {
  return fixtureJson<{ torch: string; cases: MoreLossCase[] }>("more_losses.json");
}

/** Runs every case whose `fn` is a key of `impls`; returns the names run. */
export function checkMoreLossCases(impls: Record<string, MoreLossImpl>): string[] {
  const ran: string[] = [];
  for (const c of moreLossFixtures().cases) {
    const impl = impls[c.fn];
    if (impl === undefined) continue;
    const inputs = c.inputs.map((e) => new Tensor(decode(e), { requiresGrad: true }));
    const out = impl(inputs, c.others.map(decode), c.options);
    const tol = { rtol: 1e-12, atol: 1e-13 };
    assertClose(out.data, decode(c.output), { ...tol, message: `${c.name}: value` });
    out.mul(new Tensor(decode(c.g))).sum().backward();
    c.inputGrads.forEach((e, i) => {
      const g = inputs[i].grad;
      if (g === null) throw new Error(`${c.name}: input ${i} got no gradient`);
      assertClose(g.data, decode(e), { ...tol, message: `${c.name}: gradient of input ${i}` });
    });
    ran.push(c.name);
  }
  return ran;
}
