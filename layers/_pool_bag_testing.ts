// Fixture access and comparisons of the adaptive-max-pool, max-unpool and embedding-bag tests
// (golden values of layers/fixtures/pool_bag_fixtures.py, PyTorch 2.x, float64).
import assert from "node:assert/strict";
import { array, type NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** An array as the fixture stores it (non-finite numbers as strings). */
export interface Enc {
  shape: number[];
  data: (number | string)[];
}

/** A case of pool_bag.json. */
export type PoolBagCase = Record<string, unknown> & { op: string };

let cases: Record<string, PoolBagCase> | null = null;

function all(): Record<string, PoolBagCase> {
  cases ??= JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/pool_bag.json", import.meta.url)),
  ).cases as Record<string, PoolBagCase>;
  return cases;
}

/** The fixture case `name`. */
export function poolBagCase(name: string): PoolBagCase {
  const c = all()[name];
  if (c === undefined) throw new Error(`no fixture '${name}' in pool_bag.json`);
  return c;
}

/** Names of the cases whose name starts with `prefix` (at least one). */
export function poolBagCases(prefix: string): string[] {
  const names = Object.keys(all()).filter((k) => k.startsWith(prefix));
  if (names.length === 0) throw new Error(`no fixture '${prefix}*' in pool_bag.json`);
  return names;
}

/** The float64 (or int32) array of an encoded one. */
export function dec(e: unknown, dtype: "float64" | "int32" = "float64"): NDArray {
  const x = e as Enc;
  return array(x.data.map(Number), { dtype, shape: x.shape });
}

/** A float64 leaf tensor requiring grad. */
export function leaf(e: unknown): Tensor {
  return new Tensor(dec(e), { requiresGrad: true });
}

/** Same shape and values within `tol` relative (NaN equals NaN, infinities exactly). */
export function assertClose(
  got: NDArray | Tensor,
  want: NDArray,
  what: string,
  tol = 1e-12,
): void {
  const a = got instanceof Tensor ? got.data : got;
  assert.deepEqual(a.shape, want.shape, `${what}: shape`);
  const x = flat(a), y = flat(want);
  for (let i = 0; i < y.length; i++) {
    const ok = Number.isNaN(y[i])
      ? Number.isNaN(x[i])
      : !Number.isFinite(y[i])
      ? x[i] === y[i]
      : Math.abs(x[i] - y[i]) <= tol * Math.max(1, Math.abs(y[i]));
    if (!ok) assert.fail(`${what}: entry ${i}: got ${x[i]}, want ${y[i]}`);
  }
}

/** The values of an array or tensor in row-major order. */
export function flat(x: NDArray | Tensor): number[] {
  const a = x instanceof Tensor ? x.data : x;
  return a.flatten().toArray() as number[];
}
