// The conv → max-pool pair of a CNN as one autograd op: `Sequential` runs a built-in `Conv2d`
// followed by a built-in `MaxPool2d` (optionally with a built-in `ReLU` between them, which max
// pooling commutes with) through `convMaxPool`, whose native kernel pools each image's planes
// while they are in cache instead of writing the convolution's output to memory and reading it back.
import { convMaxPool, Tensor } from "@nnc/autograd";
import type { AnyModule } from "./module.ts";
import { Conv2d } from "./conv.ts";
import { MaxPool2d } from "./pool.ts";
import { ReLU } from "./activation_layers.ts";
import { keepsNoTensors } from "./_graph_owned.ts";

/**
 * How many children from `i` on form a fusable pair: 2 for `Conv2d, MaxPool2d`, 3 for
 * `Conv2d, ReLU, MaxPool2d`, else 0. Exact built-in classes whose `forward` was not replaced, and
 * zero padding (other padding modes pad the input first).
 */
export function convMaxPoolRun(children: readonly AnyModule[], i: number): 0 | 2 | 3 {
  const conv = children[i];
  if (conv?.constructor !== Conv2d || !keepsNoTensors(conv)) return 0;
  if ((conv as Conv2d).paddingMode !== "zeros") return 0;
  const next = children[i + 1];
  if (isPool(next)) return 2;
  if (next?.constructor === ReLU && keepsNoTensors(next) && isPool(children[i + 2])) return 3;
  return 0;
}

function isPool(m: AnyModule | undefined): boolean {
  return m?.constructor === MaxPool2d && keepsNoTensors(m);
}

/**
 * `pool.forward(conv.forward(x))` as one op, or null when `x` is not a batched `[N, Cin, H, W]`
 * tensor the pair takes (the layers then run one by one and report any error themselves).
 */
export function applyConvMaxPool(conv: Conv2d, pool: MaxPool2d, x: unknown): Tensor | null {
  if (!(x instanceof Tensor) || x.ndim !== 4 || x.shape[1] !== conv.inChannels) return null;
  try {
    return convMaxPool(x, conv.weight, conv.bias, {
      stride: conv.stride,
      padding: conv.padding,
      dilation: conv.dilation,
      groups: conv.groups,
    }, {
      kernel: pool.kernelSize,
      stride: pool.stride,
      padding: pool.padding,
      dilation: pool.dilation,
      ceilMode: pool.ceilMode,
    });
  } catch (e) {
    // A geometry the pair cannot take: the layers, one by one, throw their own errors.
    if (e instanceof RangeError) return null;
    throw e;
  }
}
