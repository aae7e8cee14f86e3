/**
 * The fused pointwise parts of LSTM and GRU steps on arrays ({@link lstmCell}, {@link gruCell})
 * and their gradients: one kernel call per step for the whole batch, on either backend. The
 * matrix products around them (`x W_ihᵀ`, `h W_hhᵀ`) are ordinary `matmul`s.
 *
 * @module
 */
import { allocTyped, type DType, isFloat } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { describe } from "./check.ts";

/** What {@link lstmCell} computes. */
export interface LstmCellResult {
  /** New hidden state `[B, H]`. */
  h: NDArray;
  /** New cell state `[B, H]`. */
  c: NDArray;
  /** Activated gates `[i, f, g, o]`, `[B, 4H]` (what {@link lstmCellBackward} needs). */
  act: NDArray;
}

/** What {@link lstmCellBackward} computes. */
export interface LstmCellGrads {
  /** Gradient of the gate pre-activations `[B, 4H]` (of `xg` and of `hg` alike). */
  dGates: NDArray;
  /** Gradient of the previous cell state `[B, H]`. */
  dcPrev: NDArray;
}

/** What {@link gruCell} computes. */
export interface GruCellResult {
  /** New hidden state `[B, H]`. */
  h: NDArray;
  /** `[r, z, n, hn]`, `[B, 4H]` (what {@link gruCellBackward} needs). */
  act: NDArray;
}

/** What {@link gruCellBackward} computes. */
export interface GruCellGrads {
  /** Gradient of `xg` `[B, 3H]`. */
  dxg: NDArray;
  /** Gradient of `hg + bhh` `[B, 3H]`. */
  dhg: NDArray;
  /** The direct part `dh·z` of the gradient of `hPrev` `[B, H]`. */
  dhPrev: NDArray;
}

function check(
  op: string,
  arrays: Record<string, NDArray | null>,
  shapes: Record<string, readonly number[]>,
): DType {
  let dtype: DType | undefined;
  for (const [name, a] of Object.entries(arrays)) {
    if (a === null) continue;
    if (!(a instanceof NDArray)) {
      throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(a)}`);
    }
    if (!isFloat(a.dtype)) {
      throw new TypeError(`${op}: ${name} must be float32 or float64, got ${a.dtype}`);
    }
    dtype ??= a.dtype;
    if (a.dtype !== dtype) {
      throw new TypeError(`${op}: ${name} is ${a.dtype} but the other operands are ${dtype}`);
    }
    const want = shapes[name];
    if (a.ndim !== want.length || a.shape.some((d, i) => d !== want[i])) {
      throw new RangeError(
        `${op}: ${name} must have shape [${want.join(", ")}], got [${a.shape.join(", ")}]`,
      );
    }
  }
  return dtype as DType;
}

function rows(a: NDArray, op: string, name: string, multiple: number): [number, number] {
  if (!(a instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(a)}`);
  }
  if (a.ndim !== 2 || a.shape[1] % multiple !== 0 || a.shape[1] === 0) {
    throw new RangeError(
      `${op}: ${name} must be [batch, ${multiple}·hidden], got [${a.shape.join(", ")}]`,
    );
  }
  return [a.shape[0], a.shape[1] / multiple];
}

function alloc(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(new Storage(allocTyped(dtype, shape[0] * shape[1])), shape);
}

const dense = (a: NDArray): NDArray => a.contiguous();

/**
 * One LSTM step's pointwise part (PyTorch's gate order i, f, g, o): `xg` and `hg` are the input
 * and hidden projections `[B, 4H]` (biases included in either), `cPrev` the cell state `[B, H]`.
 *
 * @example
 * ```ts
 * import { lstmCell, zeros } from "@nnc/tensor";
 * const { h, c } = lstmCell(zeros([1, 4]), zeros([1, 4]), zeros([1, 1]));
 * // All gates at σ(0) = 0.5 and g = tanh(0) = 0: the cell stays empty.
 * console.assert(h.get(0, 0) === 0 && c.get(0, 0) === 0);
 * ```
 */
export function lstmCell(xg: NDArray, hg: NDArray, cPrev: NDArray): LstmCellResult {
  const op = "lstmCell";
  const [B, H] = rows(xg, op, "xg", 4);
  const dtype = check(op, { xg, hg, cPrev }, { xg: [B, 4 * H], hg: [B, 4 * H], cPrev: [B, H] });
  const h = alloc(dtype, [B, H]), c = alloc(dtype, [B, H]), act = alloc(dtype, [B, 4 * H]);
  getBackend().lstmCell(h, c, act, dense(xg), dense(hg), dense(cPrev));
  return { h, c, act };
}

/**
 * Gradients of {@link lstmCell}: from its activated gates `act`, new cell state `c`, previous cell
 * state `cPrev` and the gradients `dh`, `dc` of its outputs.
 *
 * @example
 * ```ts
 * import { array, lstmCell, lstmCellBackward, ones } from "@nnc/tensor";
 * const xg = array([[0.1, -0.2, 0.3, 0.4]], { dtype: "float64" }), hg = xg.mul(0);
 * const cPrev = array([[0.5]], { dtype: "float64" });
 * const { c, act } = lstmCell(xg, hg, cPrev);
 * const { dcPrev } = lstmCellBackward(act, c, cPrev, ones([1, 1], { dtype: "float64" }).mul(0), ones([1, 1], { dtype: "float64" }));
 * // With only dc = 1 flowing in, dcPrev is the forget gate σ(−0.2).
 * console.assert(Math.abs(dcPrev.get(0, 0) - 1 / (1 + Math.exp(0.2))) < 1e-15);
 * ```
 */
export function lstmCellBackward(
  act: NDArray,
  c: NDArray,
  cPrev: NDArray,
  dh: NDArray,
  dc: NDArray,
): LstmCellGrads {
  const op = "lstmCellBackward";
  const [B, H] = rows(act, op, "act", 4);
  const s = [B, H];
  const dtype = check(op, { act, c, cPrev, dh, dc }, {
    act: [B, 4 * H],
    c: s,
    cPrev: s,
    dh: s,
    dc: s,
  });
  const dGates = alloc(dtype, [B, 4 * H]), dcPrev = alloc(dtype, s);
  getBackend().lstmCellBackward(
    dGates,
    dcPrev,
    dense(act),
    dense(c),
    dense(cPrev),
    dense(dh),
    dense(dc),
  );
  return { dGates, dcPrev };
}

/**
 * One GRU step's pointwise part (PyTorch's gate order r, z, n): `xg = x W_ihᵀ + b_ih` and
 * `hg = hPrev W_hhᵀ` (`[B, 3H]`), `bhh` the hidden bias `[3H]` (or null), `hPrev` `[B, H]`.
 *
 * @example
 * ```ts
 * import { gruCell, ones, zeros } from "@nnc/tensor";
 * const { h } = gruCell(zeros([1, 3]), zeros([1, 3]), null, ones([1, 1]));
 * // z = σ(0) = 0.5 and n = tanh(0) = 0: half the old state is kept.
 * console.assert(h.get(0, 0) === 0.5);
 * ```
 */
export function gruCell(
  xg: NDArray,
  hg: NDArray,
  bhh: NDArray | null,
  hPrev: NDArray,
): GruCellResult {
  const op = "gruCell";
  const [B, H] = rows(xg, op, "xg", 3);
  const dtype = check(op, { xg, hg, bhh, hPrev }, {
    xg: [B, 3 * H],
    hg: [B, 3 * H],
    bhh: [3 * H],
    hPrev: [B, H],
  });
  const h = alloc(dtype, [B, H]), act = alloc(dtype, [B, 4 * H]);
  getBackend().gruCell(
    h,
    act,
    dense(xg),
    dense(hg),
    bhh === null ? null : dense(bhh),
    dense(hPrev),
  );
  return { h, act };
}

/**
 * Gradients of {@link gruCell}: from its `act`, the previous state `hPrev` and the gradient `dh` of
 * its output.
 *
 * @example
 * ```ts
 * import { gruCell, gruCellBackward, ones, zeros } from "@nnc/tensor";
 * const hPrev = ones([1, 1]);
 * const { act } = gruCell(zeros([1, 3]), zeros([1, 3]), null, hPrev);
 * const { dhPrev } = gruCellBackward(act, hPrev, ones([1, 1]));
 * console.assert(dhPrev.get(0, 0) === 0.5); // dh · z
 * ```
 */
export function gruCellBackward(act: NDArray, hPrev: NDArray, dh: NDArray): GruCellGrads {
  const op = "gruCellBackward";
  const [B, H] = rows(act, op, "act", 4);
  const dtype = check(op, { act, hPrev, dh }, { act: [B, 4 * H], hPrev: [B, H], dh: [B, H] });
  const dxg = alloc(dtype, [B, 3 * H]),
    dhg = alloc(dtype, [B, 3 * H]),
    dhPrev = alloc(dtype, [B, H]);
  getBackend().gruCellBackward(dxg, dhg, dhPrev, dense(act), dense(hPrev), dense(dh));
  return { dxg, dhg, dhPrev };
}
