// Argument checks shared by the attention layers.
import {
  broadcastShapes,
  describe,
  type DType,
  fmtShape,
  full,
  isFloat,
  NDArray,
  sameShape,
  where,
  zeros,
} from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** A boolean (int32 0/1, 1 hides) or float mask as an additive float mask; errors name `op` and `name`. */
export function toAdditive(mask: unknown, dtype: DType, op: string, name: string): NDArray {
  const m = mask instanceof Tensor ? mask.data : mask;
  if (!(m instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray or a Tensor, got ${describe(mask)}`);
  }
  if (isFloat(m.dtype)) return m.dtype === dtype ? m : m.astype(dtype);
  const c = m.contiguous();
  for (let i = 0; i < c.size; i++) {
    const x = c.data[c.offset + i];
    if (x !== 0 && x !== 1) {
      throw new RangeError(
        `${op}: ${name} is an int32 (boolean) mask and must hold 0 and 1 only, got ${x}`,
      );
    }
  }
  return where(c, full([], -Infinity, { dtype }), zeros([], { dtype }));
}

/** Throws unless `mask` broadcasts to `scores`. */
export function checkMaskShape(
  mask: NDArray,
  scores: readonly number[],
  op: string,
  name: string,
): void {
  let ok: boolean;
  try {
    ok = sameShape(broadcastShapes(mask.shape, scores, op), scores);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new RangeError(
      `${op}: ${name} ${fmtShape(mask.shape)} does not broadcast to the attention scores ${
        fmtShape(scores)
      }`,
    );
  }
}

/** Checks query, key and value (Tensors of one float dtype, `[...B, L, D]` shapes that agree). */
export function checkQKV(
  query: unknown,
  key: unknown,
  value: unknown,
  op: string,
): [Tensor, Tensor, Tensor] {
  const list = [["query", query], ["key", key], ["value", value]] as const;
  for (const [name, x] of list) {
    if (!(x instanceof Tensor)) {
      throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
    }
  }
  const [q, k, v] = [query, key, value] as Tensor[];
  if (!isFloat(q.dtype) || k.dtype !== q.dtype || v.dtype !== q.dtype) {
    throw new TypeError(
      `${op}: query, key and value must share one float dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`,
    );
  }
  const n = q.ndim;
  const batch = q.shape.slice(0, n - 2);
  if (
    n < 2 || k.ndim !== n || v.ndim !== n || !sameShape(k.shape.slice(0, n - 2), batch) ||
    !sameShape(v.shape.slice(0, n - 2), batch) || k.shape[n - 1] !== q.shape[n - 1] ||
    v.shape[n - 2] !== k.shape[n - 2]
  ) {
    throw new RangeError(
      `${op}: expected query [...B, Lq, D], key [...B, Lk, D], value [...B, Lk, Dv], got query ${
        fmtShape(q.shape)
      }, key ${fmtShape(k.shape)}, value ${fmtShape(v.shape)}`,
    );
  }
  return [q, k, v];
}
