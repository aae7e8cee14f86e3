// Small shape helpers (the ones @nnc/tensor keeps private).

/** Formats a shape as `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Resolves a possibly negative axis, or throws a RangeError naming the op. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= Math.max(ndim, 1)) {
    throw new RangeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${ndim}; expected -${ndim} <= axis < ${ndim}`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Resolves an axis argument (one, several, or all when undefined) into sorted unique axes. */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const unique = [...new Set(out)].sort((x, y) => x - y);
  if (unique.length !== out.length) {
    throw new RangeError(`${op}: repeated axis in [${list.join(", ")}]`);
  }
  return unique;
}
