// View primitives (reshape, permute, expand, slice, flip) and copies. Each derivative is another
// view or its adjoint, so every order of derivative stays cheap.
import * as nd from "@nnc/tensor";
import type { SliceSpec } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { sumTo } from "./_fit.ts";
import { expand, flip, permute, reshape, slice } from "./shape.ts";

export const RESHAPE: Primitive<{ shape: readonly number[] }> = {
  name: "reshape",
  forward: ([x], p) => x.reshape(p.shape),
  vjp: (g, [x]) => [reshape(g, x.shape)],
  jvp: ([t], _x, y) => t && reshape(t, y.shape),
};

export const PERMUTE: Primitive<{ perm: readonly number[] }> = {
  name: "permute",
  forward: ([x], p) => x.permute(p.perm),
  vjp: (g, _x, _y, p) => [permute(g, inversePermutation(p.perm))],
  jvp: ([t], _x, _y, p) => t && permute(t, p.perm),
};

/** The permutation that undoes `perm`. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

export const EXPAND: Primitive<{ shape: readonly number[] }> = {
  name: "expand",
  forward: ([x], p) => x.expand(p.shape),
  vjp: (g, [x]) => [sumTo(g, x.shape, "expand")],
  jvp: ([t], _x, y) => t && expand(t, y.shape),
};

export const SLICE: Primitive<{ specs: readonly SliceSpec[] }> = {
  name: "slice",
  forward: ([x], p) => x.slice(...p.specs),
  vjp: (g, [x], _y, p) => [sliceBackward(g, x.shape, p.specs)],
  jvp: ([t], _x, _y, p) => t && slice(t, ...p.specs),
};

/** The adjoint of a slice: `g` written into zeros of the sliced array's shape. */
export const SLICE_BACKWARD: Primitive<{ shape: readonly number[]; specs: readonly SliceSpec[] }> =
  {
    name: "sliceBackward",
    forward: ([g], p) => {
      const out = nd.zeros(p.shape, { dtype: g.dtype });
      nd.assign(out.slice(...p.specs), g);
      return out;
    },
    vjp: (gg, _g, _y, p) => [slice(gg, ...p.specs)],
    jvp: ([t], _g, _y, p) => t && sliceBackward(t, p.shape, p.specs),
  };

/** Writes `g` into zeros of `shape` at `specs` (differentiable). */
export function sliceBackward(
  g: Tensor,
  shape: readonly number[],
  specs: readonly SliceSpec[],
): Tensor {
  return applyPrimitive(SLICE_BACKWARD, [g], { shape, specs });
}

export const FLIP: Primitive<{ axes: readonly number[] }> = {
  name: "flip",
  forward: ([x], p) => x.flip(p.axes),
  vjp: (g, _x, _y, p) => [flip(g, p.axes)],
  jvp: ([t], _x, _y, p) => t && flip(t, p.axes),
};

export const CLONE: Primitive<void> = {
  name: "clone",
  forward: ([x]) => x.clone(),
  vjp: (g) => [g],
  jvp: ([t]) => t,
};

/** Identity: a new graph node over the same array (gives a tensor its own identity in the graph). */
export const ALIAS: Primitive<void> = {
  name: "alias",
  forward: ([x]) => x,
  vjp: (g) => [g],
  jvp: ([t]) => t,
};
