// Row-major walking of strided arrays one row (last axis) at a time, shared by the indexing and
// cumulative kernels. Kernels run their innermost loop over a row themselves, so the per-element
// work stays a plain typed-array loop and only the per-row bookkeeping lives here.

/**
 * Moves a row-major counter over the leading axes of `shape` (all but the last) one step and
 * updates `offsets[a]` of each array `a` by its `strides[a]`. Wraps to all zeros after the last row.
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
