// Checks every optimiser of the Adam family shares: maximize mirrors minimising −f, a state dict
// carries the run on exactly, and bad options name the optimiser, the option and the value.
import assert from "node:assert/strict";
import type { Optimizer } from "./optimizer.ts";
import { param, setGrad } from "./_scalar_testing.ts";
import type { Tensor } from "@nnc/autograd";

/** An optimiser of the family over `params`, with `options`. */
export type MakeOptimizer = (params: Tensor[], options: Record<string, unknown>) => Optimizer;

/** Registers the shared tests for the optimiser `name`. */
export function registerAdamFamilyTests(name: string, make: MakeOptimizer): void {
  Deno.test(`${name}: maximize ascends (the mirror image of descending −f)`, () => {
    const a = param([0.5, -1]), b = param([0.5, -1]);
    const up = make([a], { lr: 0.1, maximize: true, weightDecay: 0.1 });
    const down = make([b], { lr: 0.1, weightDecay: 0.1 });
    for (let k = 0; k < 8; k++) {
      setGrad(a, [...a.data.data].map((v) => -2 * v)); // f = −θ², maximised
      setGrad(b, [...b.data.data].map((v) => 2 * v)); // f = θ², minimised
      up.step();
      down.step();
    }
    assert.deepEqual([...a.data.data], [...b.data.data]);
  });

  Deno.test(`${name}: a state dict carries the run on exactly`, () => {
    const run = (p: Tensor, opt: Optimizer, steps: number) => {
      for (let k = 0; k < steps; k++) {
        setGrad(p, [...p.data.data].map((v) => 2 * v - 1));
        opt.step();
      }
    };
    const a = param([0.5, -1]), b = param([0.5, -1]);
    const first = make([a], { lr: 0.05 });
    run(a, first, 3);
    const resumed = make([b], { lr: 0.05 });
    b.data = a.data.clone();
    resumed.loadStateDict(first.stateDict());
    run(a, first, 4);
    run(b, resumed, 4);
    assert.deepEqual([...b.data.data], [...a.data.data]);
  });

  Deno.test(`${name}: option errors name ${name}, the option and the value`, () => {
    const p = [param([1])];
    assert.throws(() => make(p, { lr: -1 }), {
      name: "RangeError",
      message: new RegExp(`^${name}: lr`),
    });
    assert.throws(() => make(p, { betas: [0.9] }), {
      name: "TypeError",
      message: `${name}: betas must be a pair [beta1, beta2], got an array of length 1`,
    });
    assert.throws(
      () => make(p, { betas: [0.9, 1] }),
      new RegExp(`^RangeError: ${name}: betas\\[1\\]`),
    );
    assert.throws(() => make(p, { eps: NaN }), new RegExp(`^RangeError: ${name}: eps`));
    assert.throws(() => make(p, { maximize: 1 }), new RegExp(`^TypeError: ${name}: maximize`));
  });
}
