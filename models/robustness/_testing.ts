// Test helpers: the PyTorch fixture and its CNN, a closeness assertion that names the worst entry.
import assert from "node:assert/strict";
import { array, type NDArray } from "@nnc/tensor";
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "@nnc/layers";

// deno-lint-ignore no-explicit-any
export type Json = any;

let cached: Json | null = null;

/** The parsed `fixtures/torch_attacks.json`. */
export function torchFixture(): Json {
  cached ??= JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/torch_attacks.json", import.meta.url)),
  );
  return cached;
}

/** The fixture's float64 CNN with its PyTorch weights, in evaluation mode. */
export function fixtureCnn(): Sequential {
  const f = torchFixture();
  const net = new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, dtype: "float64" }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64, 5, { dtype: "float64" }),
  );
  const sd: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(f.state_dict)) {
    sd[k] = array(v as number[], { dtype: "float64" });
  }
  net.loadStateDict(sd);
  return net.eval();
}

/** Asserts |a − e| ≤ tol everywhere, naming the worst entry. */
export function assertClose(actual: NDArray, expected: Json, tol: number, what = ""): void {
  const e = (Array.isArray(expected) ? expected.flat(Infinity) : [expected]) as number[];
  const a = Array.from(actual.contiguous().clone().data as ArrayLike<number>);
  assert.equal(a.length, e.length, `${what}: ${a.length} values, expected ${e.length}`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what}: entry ${at} is ${a[at]}, expected ${e[at]} (|Δ| = ${worst} > ${tol})`,
  );
}
