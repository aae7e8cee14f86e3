// concat and pad primitives. concat's adjoint is slicing; pad's is cropping (constant mode) or a
// scatterAdd through the map from padded positions to source positions (the other modes).
import * as nd from "@nnc/tensor";
import type { NDArray, PadMode } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { slice } from "./shape.ts";
import { SCATTER_ADD } from "./_prim_index.ts";
import { reshape } from "./shape.ts";

export const CONCAT: Primitive<{ axis: number }> = {
  name: "concat",
  forward: (xs, p) => nd.concat(xs, p.axis),
  vjp: (g, xs, _y, p) => {
    let start = 0;
    return xs.map((x) => {
      const len = x.shape[p.axis];
      const specs = x.shape.map((_, d) => (d === p.axis ? { start, stop: start + len } : null));
      start += len;
      return x.requiresGrad ? slice(g, ...specs) : null;
    });
  },
  jvp: (ts, xs, y, p) => {
    if (ts.every((t) => t === null)) return null;
    const parts = ts.map((t, i) => t ?? new Tensor(nd.zeros(xs[i].shape, { dtype: y.dtype })));
    return applyPrimitive(CONCAT, parts, p);
  },
};

/** Parameters of pad. `sourceIndex` is filled lazily for the modes that repeat entries. */
export interface PadParams {
  padding: readonly number[];
  mode: PadMode;
  value: number;
  sourceIndex?: NDArray;
}

/** For every padded position, the flat index of the input entry it copies. */
function sourceIndex(shape: readonly number[], p: PadParams): NDArray {
  if (p.sourceIndex === undefined) {
    const n = shape.reduce((a, d) => a * d, 1);
    const ids = nd.arange(n, undefined, 1, { dtype: "int32" }).reshape(shape);
    p.sourceIndex = nd.pad(ids, p.padding, { mode: p.mode }).reshape([-1]);
  }
  return p.sourceIndex;
}

export const PAD: Primitive<PadParams> = {
  name: "pad",
  forward: ([x], p) =>
    nd.pad(x, p.padding, p.mode === "constant" ? { value: p.value } : { mode: p.mode }),
  vjp: (g, [x], _y, p) => {
    if (p.mode === "constant") return [padTensor(g, p.padding.map((v) => -v), "constant", 0)];
    const flat = reshape(g, [g.size]);
    const zeros = new Tensor(nd.zeros([x.size], { dtype: g.dtype }));
    const summed = applyPrimitive(SCATTER_ADD, [zeros, flat], {
      axis: 0,
      index: sourceIndex(x.shape, p),
    });
    return [reshape(summed, x.shape)];
  },
  jvp: ([t], _x, _y, p) => t && padTensor(t, p.padding, p.mode, 0),
};

/** pad as a primitive call (no validation: callers pass checked arguments). */
export function padTensor(
  x: Tensor,
  padding: readonly number[],
  mode: PadMode,
  value: number,
): Tensor {
  return applyPrimitive(PAD, [x], { padding, mode, value });
}
