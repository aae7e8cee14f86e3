import { describe } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

// Errors of the builders name the builder: a layer's argument error surfacing from inside one
// (`Linear: dtype must be …`) is re-thrown as `mlpVae: Linear: dtype must be …`.

/** Runs `build`; a TypeError or RangeError that does not start with `op` gets `op: ` in front. */
export function named<T>(op: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if ((e instanceof TypeError || e instanceof RangeError) && !e.message.startsWith(op)) {
      const Kind = e instanceof TypeError ? TypeError : RangeError;
      throw new Kind(`${op}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Throws a TypeError naming `op` unless `x` is a Tensor. */
export function checkTensorArg(x: unknown, op: string, name: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  }
}
