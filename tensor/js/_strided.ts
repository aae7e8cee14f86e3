// Strided traversal shared by the JS kernels: merge dimensions that are contiguous for every
// operand, then walk the outer dimensions with one row counter (`nextRow`) and hand each innermost
// row to a tight loop.
import type { NDArray } from "../ndarray.ts";

/** A traversal of `shape` for several operands, dimensions merged where all strides allow. */
export interface Plan {
  /** Merged shape, innermost last; at least one dimension. */
  shape: number[];
  /** Per operand, its strides over the merged shape. */
  strides: number[][];
}

/** Builds a traversal plan over `shape` for operands given by their strides. */
export function makePlan(
  shape: readonly number[],
  operandStrides: readonly (readonly number[])[],
): Plan {
  const dims: number[] = [];
  const strides: number[][] = operandStrides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 &&
      operandStrides.every((s, k) => strides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      dims[last] *= shape[d];
      for (let k = 0; k < operandStrides.length; k++) strides[k][last] = operandStrides[k][d];
    } else {
      dims.push(shape[d]);
      for (let k = 0; k < operandStrides.length; k++) strides[k].push(operandStrides[k][d]);
    }
  }
  if (dims.length === 0 || shape.some((d) => d === 0)) {
    const empty = shape.some((d) => d === 0);
    return { shape: [empty ? 0 : 1], strides: operandStrides.map(() => [1]) };
  }
  return { shape: dims, strides };
}

/**
 * Calls `row(n, p0, p1, p2, p3)` for every innermost row of the plan, where `pk` is operand k's
 * position (storage index) at the start of the row. Operands beyond those given get position 0.
 */
export function forEachRow(
  plan: Plan,
  offsets: readonly number[],
  row: (n: number, p0: number, p1: number, p2: number, p3: number) => void,
): void {
  const nd = plan.shape.length;
  const n = plan.shape[nd - 1];
  if (n === 0) return;
  const pos = [offsets[0] ?? 0, offsets[1] ?? 0, offsets[2] ?? 0, offsets[3] ?? 0];
  const coord = new Int32Array(nd);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= plan.shape[d];
  for (let r = 0; r < rows; r++) {
    row(n, pos[0], pos[1], pos[2], pos[3]);
    nextRow(plan.shape, coord, plan.strides, pos);
  }
}

/**
 * Moves a row-major counter over the leading axes of `shape` (all but the last) one step and
 * updates `offsets[a]` of each array `a` by its `strides[a]`. Wraps to all zeros after the last row.
 * Kernels that walk rows themselves (indexing, cumulative) call it directly.
 */
export function nextRow(
  shape: readonly number[],
  coord: Int32Array,
  strides: readonly (readonly number[])[],
  offsets: number[],
): void {
  const arrays = strides.length;
  for (let d = shape.length - 2; d >= 0; d--) {
    if (++coord[d] < shape[d]) {
      for (let a = 0; a < arrays; a++) offsets[a] += strides[a][d];
      return;
    }
    coord[d] = 0;
    const back = shape[d] - 1;
    for (let a = 0; a < arrays; a++) offsets[a] -= strides[a][d] * back;
  }
}

/** A 0-d shape as the 1-d shape `[1]`, so that kernels always have a last axis to loop over. */
export function atLeast1d(shape: readonly number[]): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}

/** Strides matching {@link atLeast1d}. */
export function stridesAtLeast1d(strides: readonly number[]): readonly number[] {
  return strides.length === 0 ? [0] : strides;
}

/** The innermost stride of each operand in a plan. */
export function innerStrides(plan: Plan): number[] {
  const last = plan.shape.length - 1;
  return plan.strides.map((s) => s[last]);
}

/** Plan over `out.shape` for `out` and the given inputs (all of `out`'s shape). */
export function planFor(out: NDArray, ...inputs: NDArray[]): Plan {
  return makePlan(out.shape, [out.strides, ...inputs.map((x) => x.strides)]);
}
