// Helpers shared by the tests: seeded inputs (contiguous and not) and gradcheck assertions.
import * as nd from "@nnc/tensor";
import { Rng } from "@nnc/tensor";
import { Tensor } from "./tensor.ts";
import {
  type CheckedFunction,
  gradcheck,
  type GradcheckOptions,
  gradgradcheck,
} from "./gradcheck.ts";

/** A float64 leaf of normal samples (seeded), optionally shifted away from 0 or made positive. */
export function randTensor(
  shape: readonly number[],
  seed: number,
  opts: { positive?: boolean; offset?: number } = {},
): Tensor {
  let a = nd.randn(shape, { dtype: "float64", rng: new Rng(seed) });
  if (opts.positive) a = nd.add(nd.abs(a), 0.5);
  if (opts.offset) a = nd.add(a, opts.offset);
  return new Tensor(a, { requiresGrad: true });
}

/** The same values as `randTensor(shape)`, laid out as a non-contiguous view (transposed storage, every other column). */
export function stridedTensor(
  shape: readonly number[],
  seed: number,
  opts: { positive?: boolean; offset?: number } = {},
): Tensor {
  const base =
    randTensor([...shape].reverse().map((d, i) => (i === 0 ? 2 * d : d)), seed, opts).data;
  const rev = [...Array(shape.length).keys()].reverse();
  const view = base.slice({ step: 2 }).permute(rev);
  if (view.isContiguous && view.size > 1) throw new Error("stridedTensor: view is contiguous");
  return new Tensor(view, { requiresGrad: true });
}

/** gradcheck in both modes; throws (with the report's message) on failure. */
export function check(
  fn: CheckedFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): void {
  gradcheck(fn, inputs, { mode: "both", ...options });
}

/** gradgradcheck in both modes. */
export function check2(
  fn: CheckedFunction,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): void {
  gradgradcheck(fn, inputs, { mode: "both", ...options });
}
