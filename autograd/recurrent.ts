/**
 * {@link recurrence}: the time loop of one recurrent layer in one direction (plain RNN with tanh
 * or ReLU, LSTM, GRU) as a single primitive. The input projections `x W_ihᵀ + b` of every step come
 * in precomputed (one large matrix product outside); inside, each step is one matrix product
 * `h W_hhᵀ` and one fused cell kernel for the whole batch (`lstmCell`, `gruCell` of the backend),
 * with no graph node per step. The backward pass runs the steps in reverse with the cells'
 * backward kernels and forms `∂W_hh` as one matrix product over all steps. Under
 * `createGraph` (and in forward mode) the same derivatives are built from ordinary Tensor ops, so
 * they differentiate again.
 *
 * Variable-length batches: with `lengths`, the steps `t ≥ lengths[b]` of sequence `b` neither
 * update its state nor receive gradient, and their outputs are zero (PyTorch's packed sequences).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import {
  allocForOverwrite,
  allocTyped,
  type DType,
  getBackend,
  NDArray,
  releaseStorage,
  Storage,
} from "@nnc/tensor";
import { applyPrimitive, type Primitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { state } from "./_state.ts";
import * as ew from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { concat, split, stack } from "./join.ts";
import { sum } from "./reduce.ts";
import { slice, transpose, unsqueeze } from "./shape.ts";
import { fmtShape } from "./_shape_util.ts";

/**
 * The cell a {@link recurrence} runs: `rnnTanh` / `rnnRelu` (`h = act(a)`), `lstm` (gates i, f,
 * g, o) or `gru` (gates r, z, n), with PyTorch's equations and gate order.
 *
 * @example
 * ```ts
 * import type { RecurrentMode } from "@nnc/autograd";
 * const mode: RecurrentMode = "lstm";
 * ```
 */
export type RecurrentMode = "rnnTanh" | "rnnRelu" | "lstm" | "gru";

/**
 * Options of {@link recurrence}.
 *
 * @example
 * ```ts
 * import type { RecurrenceOptions } from "@nnc/autograd";
 * const o: RecurrenceOptions = { reverse: true, lengths: [3, 1] };
 * ```
 */
export interface RecurrenceOptions {
  /** Run from the last step to the first (the backward direction of a bidirectional layer). */
  reverse?: boolean;
  /** Valid steps of each sequence of the batch, each in `1..T`; all `T` when omitted. */
  lengths?: readonly number[] | Int32Array | NDArray | null;
  /** LSTM: the initial cell state `[B, H]` (zeros when omitted). */
  c0?: Tensor | null;
  /** GRU: the hidden bias `b_hh` `[3H]`, which the reset gate scales (none when omitted). */
  bhh?: Tensor | null;
}

/**
 * What {@link recurrence} returns.
 *
 * @example
 * ```ts
 * import type { RecurrenceResult } from "@nnc/autograd";
 * const show = (r: RecurrenceResult) => r.output.shape;
 * ```
 */
export interface RecurrenceResult {
  /** Hidden state after each step, `[T, B, H]`, in time order (zero at padded steps). */
  output: Tensor;
  /** The final hidden state `[B, H]` (for each sequence, after its last valid step). */
  h: Tensor;
  /** LSTM: the final cell state `[B, H]`; null for the other modes. */
  c: Tensor | null;
}

interface Params {
  mode: RecurrentMode;
  reverse: boolean;
  lengths: Int32Array | null;
  hasBias: boolean;
  // Saved by the forward pass for the fast backward.
  hs: NDArray | null;
  cs: NDArray | null;
  act: NDArray | null;
}

const GATES: Record<RecurrentMode, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * Runs a recurrent layer over a sequence. `xg` `[T, B, G]` holds the input projections of every
 * step (`x W_ihᵀ + b_ih`, plus `b_hh` except for GRU), `whh` `[G, H]` is the hidden-to-hidden
 * weight and `h0` `[B, H]` the initial state, with G = H (RNN), 4H (LSTM) or 3H (GRU). All
 * operands share one float dtype. Returns every step's hidden state and the final states.
 *
 * @example
 * ```ts
 * import { recurrence, tensor } from "@nnc/autograd";
 * // A one-unit tanh RNN: h_t = tanh(x_t + 0.5 h_{t-1}).
 * const xg = tensor([[[1]], [[0]], [[-1]]], { dtype: "float64", requiresGrad: true });
 * const whh = tensor([[0.5]], { dtype: "float64", requiresGrad: true });
 * const { output, h } = recurrence("rnnTanh", xg, whh, tensor([[0]], { dtype: "float64" }));
 * const h1 = Math.tanh(1), h2 = Math.tanh(0.5 * h1);
 * console.assert(Math.abs(output.get(1, 0, 0) - h2) < 1e-15);
 * console.assert(Math.abs(h.item() - Math.tanh(-1 + 0.5 * h2)) < 1e-15);
 * h.sum().backward();
 * console.assert(whh.grad !== null && xg.grad?.shape.join() === "3,1,1");
 * ```
 */
export function recurrence(
  mode: RecurrentMode,
  xg: Tensor,
  whh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): RecurrenceResult {
  const { inputs, params, T } = prepare("recurrence", mode, xg, whh, h0, options);
  const packed = applyPrimitive(RECURRENCE, inputs, params);
  return {
    output: slice(packed, { stop: T }),
    h: slice(packed, T),
    c: mode === "lstm" ? slice(packed, T + 1) : null,
  };
}

/** Checks the arguments of {@link recurrence} and gathers the primitive's inputs and parameters. */
function prepare(
  op: string,
  mode: RecurrentMode,
  xg: Tensor,
  whh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions,
): { inputs: Tensor[]; params: Params; T: number } {
  if (typeof mode !== "string" || !Object.hasOwn(GATES, mode)) {
    throw new RangeError(
      `${op}: mode must be one of ${Object.keys(GATES).join(", ")}, got ${nd.describe(mode)}`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${op}: options must be an object`);
  }
  for (const [name, t] of [["xg", xg], ["whh", whh], ["h0", h0]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor`);
  }
  if (xg.ndim !== 3) throw new RangeError(`${op}: xg must be [T, B, G], got ${fmtShape(xg.shape)}`);
  const [T, B, G] = xg.shape;
  if (whh.ndim !== 2 || whh.shape[0] !== G || whh.shape[0] !== GATES[mode] * whh.shape[1]) {
    throw new RangeError(
      `${op}: whh must be [${
        GATES[mode]
      }·H, H] matching xg's ${G} gate columns for mode ${mode}, got ${fmtShape(whh.shape)}`,
    );
  }
  const H = whh.shape[1];
  if (T === 0 || B === 0 || H === 0) {
    throw new RangeError(`${op}: empty sequence, batch or state: xg ${fmtShape(xg.shape)}`);
  }
  checkState(h0, [B, H], op, "h0");
  const dtype = xg.dtype;
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`${op}: xg must be float32 or float64, got ${dtype}`);
  }
  const inputs = [xg, whh, h0];
  if (mode === "lstm") {
    const c0 = options.c0 ?? new Tensor(nd.zeros([B, H], { dtype }));
    checkState(c0, [B, H], op, "c0");
    inputs.push(c0);
  } else if (options.c0 !== undefined && options.c0 !== null) {
    throw new TypeError(`${op}: c0 is an LSTM's cell state; mode ${mode} has none`);
  }
  const hasBias = options.bhh !== undefined && options.bhh !== null;
  if (hasBias) {
    if (mode !== "gru") throw new TypeError(`${op}: bhh is only for GRU; fold it into xg`);
    checkState(options.bhh as Tensor, [G], op, "bhh");
    inputs.push(options.bhh as Tensor);
  }
  for (const t of inputs) {
    if (t.dtype !== dtype) {
      throw new TypeError(`${op}: every operand must be ${dtype} like xg, got a ${t.dtype} one`);
    }
  }
  const lengths = checkLengths(options.lengths, T, B, op);
  const reverse = options.reverse ?? false;
  if (typeof reverse !== "boolean") throw new TypeError(`${op}: reverse must be a boolean`);
  const params: Params = { mode, reverse, lengths, hasBias, hs: null, cs: null, act: null };
  return { inputs, params, T };
}

function checkState(t: unknown, shape: readonly number[], op: string, name: string): void {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor`);
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${op}: ${name} must be ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
    );
  }
}

function checkLengths(
  value: RecurrenceOptions["lengths"],
  T: number,
  B: number,
  op: string,
): Int32Array | null {
  if (value === undefined || value === null) return null;
  let list: ArrayLike<number>;
  if (value instanceof NDArray) {
    if (value.ndim !== 1) {
      throw new RangeError(`${op}: lengths must be 1-d, got ${fmtShape(value.shape)}`);
    }
    list = value.toArray() as number[];
  } else if (Array.isArray(value) || value instanceof Int32Array) list = value;
  else throw new TypeError(`${op}: lengths must be an array of integers or an NDArray`);
  if (list.length !== B) {
    throw new RangeError(`${op}: ${list.length} lengths for a batch of ${B} sequences`);
  }
  const out = new Int32Array(B);
  let full = true;
  for (let b = 0; b < B; b++) {
    const n = list[b];
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new RangeError(
        `${op}: lengths[${b}] is ${n}; each length must be an integer in [1, ${T}] (the padded length)`,
      );
    }
    out[b] = n;
    if (n !== T) full = false;
  }
  return full ? null : out;
}

// ---- array helpers ----

function alloc(dtype: DType, shape: readonly number[]): NDArray {
  let n = 1;
  for (const d of shape) n *= d;
  return new NDArray(new Storage(allocTyped(dtype, n)), shape);
}

/** Like {@link alloc}, for an array whose every element is written before it is read. */
function allocWritten(dtype: DType, shape: readonly number[]): NDArray {
  let n = 1;
  for (const d of shape) n *= d;
  return new NDArray(new Storage(allocForOverwrite(dtype, n)), shape);
}

/** Block `k` of a contiguous `[N, B, W]` array, as a `[B, W]` view. */
function block(a: NDArray, k: number): NDArray {
  const B = a.shape[1], W = a.shape[2];
  return new NDArray(a.storage, [B, W], [W, 1], a.offset + k * B * W);
}

/** Rows `b` of `src` copied into `dst` (both contiguous `[B, W]`). */
function copyRows(dst: NDArray, src: NDArray, rows: readonly number[]): void {
  const W = dst.shape[1];
  for (const b of rows) {
    const s = src.offset + b * W;
    dst.data.set(src.data.subarray(s, s + W), dst.offset + b * W);
  }
}

/** Rows `b` of a contiguous `[B, W]` array set to zero. */
function zeroRows(dst: NDArray, rows: readonly number[]): void {
  const W = dst.shape[1];
  for (const b of rows) dst.data.fill(0, dst.offset + b * W, dst.offset + (b + 1) * W);
}

/** Sequences whose step `t` is padding. */
function idleRows(lengths: Int32Array | null, t: number): number[] {
  if (lengths === null) return [];
  const rows: number[] = [];
  for (let b = 0; b < lengths.length; b++) if (t >= lengths[b]) rows.push(b);
  return rows;
}

/** `[B, 1]` mask of the sequences active at step `t` (1) or padded (0), or null when all are active. */
function activeMask(lengths: Int32Array | null, t: number, dtype: DType): NDArray | null {
  if (lengths === null) return null;
  const m = alloc(dtype, [lengths.length, 1]);
  let all = true;
  for (let b = 0; b < lengths.length; b++) {
    m.data[b] = t < lengths[b] ? 1 : 0;
    if (t >= lengths[b]) all = false;
  }
  return all ? null : m;
}

const timeOf = (p: Params, T: number, k: number): number => (p.reverse ? T - 1 - k : k);

// ---- the fast path: backend kernels on preallocated buffers ----

function forwardArrays(inputs: readonly NDArray[], p: Params): NDArray {
  const be = getBackend();
  const xg = inputs[0].contiguous(), whh = inputs[1];
  const [T, B, G] = xg.shape;
  const H = whh.shape[1], dtype = xg.dtype;
  const whhT = whh.transpose();
  // Every step writes its block of hs, cs and act: no zero-fill needed.
  const hs = allocWritten(dtype, [T + 1, B, H]);
  nd.assign(block(hs, 0), inputs[2]);
  const lstm = p.mode === "lstm", gru = p.mode === "gru";
  const cs = lstm ? allocWritten(dtype, [T + 1, B, H]) : null;
  if (cs !== null) nd.assign(block(cs, 0), inputs[3]);
  const act = lstm || gru ? allocWritten(dtype, [T, B, 4 * H]) : null;
  const bhh = gru && p.hasBias ? inputs[3].contiguous() : null;
  // The backend may run the whole LSTM sequence in one call (libnnc: W_hh packed once, no FFI
  // call per step); padded sequences and everything else take the step loop.
  const fused = lstm && p.lengths === null &&
    be.lstmSequence?.(hs, cs!, act!, xg, whh.contiguous(), p.reverse) === true;
  if (!fused) {
    const hg = alloc(dtype, [B, G]);
    for (let k = 0; k < T; k++) {
      const t = timeOf(p, T, k);
      const hPrev = block(hs, k), hNew = block(hs, k + 1), x = block(xg, t);
      be.matmul(hg, hPrev, whhT);
      if (lstm) {
        be.lstmCell(hNew, block(cs!, k + 1), block(act!, k), x, hg, block(cs!, k));
      } else if (gru) {
        be.gruCell(hNew, block(act!, k), x, hg, bhh, hPrev);
      } else {
        be.binary("add", hNew, x, hg);
        be.unary(p.mode === "rnnTanh" ? "tanh" : "relu", hNew, hNew);
      }
      const idle = idleRows(p.lengths, t);
      if (idle.length > 0) {
        copyRows(hNew, hPrev, idle);
        if (lstm) copyRows(block(cs!, k + 1), block(cs!, k), idle);
      }
    }
  }
  const out = allocWritten(dtype, [T + (lstm ? 2 : 1), B, H]);
  const BH = B * H;
  for (let k = 0; k < T; k++) {
    const t = timeOf(p, T, k);
    const src = hs.data.subarray((k + 1) * BH, (k + 2) * BH);
    out.data.set(src, t * BH);
    const idle = idleRows(p.lengths, t);
    if (idle.length > 0) zeroRows(block(out, t), idle);
  }
  out.data.set(hs.data.subarray(T * BH, (T + 1) * BH), T * BH);
  if (cs !== null) out.data.set(cs.data.subarray(T * BH, (T + 1) * BH), (T + 1) * BH);
  p.hs = hs;
  p.cs = cs;
  p.act = act;
  return out;
}

function backwardArrays(g: NDArray, inputs: readonly Tensor[], p: Params): (Tensor | null)[] {
  const be = getBackend();
  const whh = inputs[1].data;
  const [T, B, G] = inputs[0].shape;
  const H = whh.shape[1], dtype = inputs[0].dtype;
  const lstm = p.mode === "lstm", gru = p.mode === "gru";
  const hs = p.hs!, cs = p.cs, act = p.act;
  const dy = g.contiguous();
  // Gradients of the hidden projections (and, for GRU, separately of the input ones), in step order.
  const dGh = allocWritten(dtype, [T, B, G]); // every step writes its block
  const dX = gru ? alloc(dtype, [T, B, G]) : dGh;
  let dh = alloc(dtype, [B, H]);
  nd.assign(dh, block(dy, T));
  let dc = lstm ? alloc(dtype, [B, H]) : null;
  if (dc !== null) nd.assign(dc, block(dy, T + 1));
  let dcPrev = lstm ? alloc(dtype, [B, H]) : null;
  let next = alloc(dtype, [B, H]);
  const dhTot = alloc(dtype, [B, H]);
  const direct = gru ? alloc(dtype, [B, H]) : null;
  const fused = lstm && p.lengths === null &&
    be.lstmSequenceBackward?.(dGh, dh, dc!, dy, act!, cs!, whh.contiguous(), p.reverse) === true;
  for (let k = T - 1; k >= 0 && !fused; k--) {
    const t = timeOf(p, T, k);
    const idle = idleRows(p.lengths, t);
    be.binary("add", dhTot, dh, block(dy, t));
    if (idle.length > 0) copyRows(dhTot, dh, idle);
    const dg = block(dGh, k);
    if (lstm) {
      be.lstmCellBackward(
        dg,
        dcPrev!,
        block(act!, k),
        block(cs!, k + 1),
        block(cs!, k),
        dhTot,
        dc!,
      );
      if (idle.length > 0) {
        zeroRows(dg, idle);
        copyRows(dcPrev!, dc!, idle);
      }
      [dc, dcPrev] = [dcPrev, dc];
      be.matmul(next, dg, whh);
    } else if (gru) {
      const dx = block(dX, k);
      be.gruCellBackward(dx, dg, direct!, block(act!, k), block(hs, k), dhTot);
      if (idle.length > 0) {
        zeroRows(dx, idle);
        zeroRows(dg, idle);
      }
      be.matmul(next, dg, whh);
      be.binary("add", next, next, direct!);
    } else {
      activationBackward(dg, dhTot, block(hs, k + 1), p.mode);
      if (idle.length > 0) zeroRows(dg, idle);
      be.matmul(next, dg, whh);
    }
    if (idle.length > 0) copyRows(next, dhTot, idle);
    [dh, next] = [next, dh];
  }
  const [xg, w, h0] = inputs;
  const grads: (Tensor | null)[] = [];
  grads.push(xg.requiresGrad ? new Tensor(p.reverse ? reverseBlocks(dX) : dX) : null);
  if (w.requiresGrad) {
    const prev = new NDArray(hs.storage, [T * B, H], [H, 1], hs.offset);
    grads.push(new Tensor(nd.matmul(dGh.reshape(T * B, G).transpose(), prev)));
  } else grads.push(null);
  grads.push(h0.requiresGrad ? new Tensor(dh) : null);
  if (lstm) grads.push(inputs[3].requiresGrad ? new Tensor(dc!) : null);
  if (gru && p.hasBias) {
    grads.push(
      inputs[3].requiresGrad ? new Tensor(nd.sum(dGh.reshape(T * B, G), { axis: 0 })) : null,
    );
  }
  return grads;
}

/** `dA = dh · act'(h)` for the plain RNN, where `h = act(a)` (tanh: 1 − h², ReLU: h > 0). */
function activationBackward(dA: NDArray, dh: NDArray, h: NDArray, mode: RecurrentMode): void {
  const n = dA.size, o = dA.data, d = dh.data, v = h.data;
  const oo = dA.offset, od = dh.offset, ov = h.offset;
  if (mode === "rnnTanh") {
    for (let i = 0; i < n; i++) o[oo + i] = d[od + i] * (1 - v[ov + i] * v[ov + i]);
  } else {
    for (let i = 0; i < n; i++) o[oo + i] = v[ov + i] > 0 ? d[od + i] : 0;
  }
}

/** A `[T, B, W]` array with its blocks in reverse order (step order back to time order). */
function reverseBlocks(a: NDArray): NDArray {
  const [T, B, W] = a.shape;
  const out = alloc(a.dtype, a.shape);
  const n = B * W;
  for (let k = 0; k < T; k++) out.data.set(a.data.subarray(k * n, (k + 1) * n), (T - 1 - k) * n);
  return out;
}

// ---- the differentiable path: the same loop in Tensor ops ----

/** One step's values, as Tensors that are functions of the inputs. */
interface StepValues {
  /** Gates after activation: [i, f, g, o] (LSTM), [r, z, n] with `hn` (GRU), [h] (RNN). */
  gates: Tensor[];
  /** The hidden projection's n part plus its bias (GRU). */
  hn: Tensor | null;
  /** The new cell state before masking (LSTM). */
  c: Tensor | null;
  /** The new hidden state before masking. */
  h: Tensor;
}

interface Trajectory {
  hs: Tensor[];
  cs: Tensor[];
  steps: StepValues[];
  masks: (NDArray | null)[];
}

function composedForward(inputs: readonly Tensor[], p: Params): Trajectory {
  const [xg, whh, h0] = inputs;
  const [T, ,] = xg.shape;
  const H = whh.shape[1];
  const whhT = transpose(whh);
  const lstm = p.mode === "lstm", gru = p.mode === "gru";
  const bhh = gru && p.hasBias ? inputs[3] : null;
  const hs = [h0], cs = lstm ? [inputs[3]] : [];
  const steps: StepValues[] = [], masks: (NDArray | null)[] = [];
  for (let k = 0; k < T; k++) {
    const t = timeOf(p, T, k);
    const x = slice(xg, t), hPrev = hs[k];
    const mask = activeMask(p.lengths, t, xg.dtype);
    masks.push(mask);
    let s: StepValues;
    if (lstm) {
      const [ai, af, ag, ao] = split(ew.add(x, matmul(hPrev, whhT)), H, 1);
      const i = ai.sigmoid(), f = af.sigmoid(), g = ag.tanh(), o = ao.sigmoid();
      const c = f.mul(cs[k]).add(i.mul(g));
      s = { gates: [i, f, g, o], hn: null, c, h: o.mul(c.tanh()) };
    } else if (gru) {
      let hgb = matmul(hPrev, whhT);
      if (bhh !== null) hgb = hgb.add(bhh);
      const [xr, xz, xn] = split(x, H, 1), [hr, hz, hn] = split(hgb, H, 1);
      const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      const h = ew.sub(1, z).mul(n).add(z.mul(hPrev));
      s = { gates: [r, z, n], hn, c: null, h };
    } else {
      const a = ew.add(x, matmul(hPrev, whhT));
      const h = p.mode === "rnnTanh" ? a.tanh() : a.relu();
      s = { gates: [h], hn: null, c: null, h };
    }
    steps.push(s);
    hs.push(mask === null ? s.h : ew.where(mask, s.h, hPrev));
    if (lstm) cs.push(mask === null ? s.c! : ew.where(mask, s.c!, cs[k]));
  }
  return { hs, cs, steps, masks };
}

function packOutputs(
  ys: Tensor[],
  last: Tensor[],
  p: Params,
): Tensor {
  const T = ys.length;
  const byTime = new Array<Tensor>(T);
  for (let k = 0; k < T; k++) byTime[timeOf(p, T, k)] = ys[k];
  return concat([stack(byTime, 0), ...last.map((l) => unsqueeze(l, 0))], 0);
}

function composedVjp(g: Tensor, inputs: readonly Tensor[], p: Params): (Tensor | null)[] {
  const [xg, whh] = inputs;
  const T = xg.shape[0];
  const lstm = p.mode === "lstm", gru = p.mode === "gru";
  const tr = composedForward(inputs, p);
  let dh = slice(g, T);
  let dc = lstm ? slice(g, T + 1) : null;
  const dGh = new Array<Tensor>(T), dX = new Array<Tensor>(T);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(p, T, k);
    const mask = tr.masks[k];
    const dy = slice(g, t);
    const dhTot = dh.add(mask === null ? dy : ew.where(mask, dy, 0));
    const s = tr.steps[k], hPrev = tr.hs[k];
    let dgh: Tensor, dx: Tensor, next: Tensor;
    if (lstm) {
      const [i, f, gg, o] = s.gates;
      const tc = s.c!.tanh();
      const dct = dc!.add(dhTot.mul(o).mul(ew.sub(1, tc.square())));
      dgh = concat([
        dct.mul(gg).mul(i).mul(ew.sub(1, i)),
        dct.mul(tr.cs[k]).mul(f).mul(ew.sub(1, f)),
        dct.mul(i).mul(ew.sub(1, gg.square())),
        dhTot.mul(tc).mul(o).mul(ew.sub(1, o)),
      ], 1);
      let dcPrev = dct.mul(f);
      if (mask !== null) {
        dgh = ew.where(mask, dgh, 0);
        dcPrev = ew.where(mask, dcPrev, dc!);
      }
      dc = dcPrev;
      dx = dgh;
      next = matmul(dgh, whh);
    } else if (gru) {
      const [r, z, n] = s.gates;
      const dn = dhTot.mul(ew.sub(1, z)).mul(ew.sub(1, n.square()));
      const dz = dhTot.mul(hPrev.sub(n)).mul(z).mul(ew.sub(1, z));
      const dr = dn.mul(s.hn!).mul(r).mul(ew.sub(1, r));
      dx = concat([dr, dz, dn], 1);
      dgh = concat([dr, dz, dn.mul(r)], 1);
      if (mask !== null) {
        dx = ew.where(mask, dx, 0);
        dgh = ew.where(mask, dgh, 0);
      }
      next = matmul(dgh, whh).add(dhTot.mul(z));
    } else {
      const h = s.gates[0];
      const da = p.mode === "rnnTanh"
        ? dhTot.mul(ew.sub(1, h.square()))
        : dhTot.mul(new Tensor(nd.gt(h.data, 0).astype(h.dtype)));
      dgh = mask === null ? da : ew.where(mask, da, 0);
      dx = dgh;
      next = matmul(dgh, whh);
    }
    dGh[k] = dgh;
    dX[k] = dx;
    dh = mask === null ? next : ew.where(mask, next, dhTot);
  }
  const grads: (Tensor | null)[] = [];
  const byTime = new Array<Tensor>(T);
  for (let k = 0; k < T; k++) byTime[timeOf(p, T, k)] = dX[k];
  grads.push(stack(byTime, 0));
  grads.push(matmul(transpose(concat(dGh, 0)), concat(tr.hs.slice(0, T), 0)));
  grads.push(dh);
  if (lstm) grads.push(dc);
  if (gru && p.hasBias) grads.push(sum(concat(dGh, 0), { axis: 0 }));
  return grads.map((gr, i) => (inputs[i].requiresGrad ? gr : null));
}

function composedJvp(
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  p: Params,
): Tensor | null {
  if (tangents.every((t) => t === null)) return null;
  const [xg, whh] = inputs;
  const T = xg.shape[0];
  const lstm = p.mode === "lstm", gru = p.mode === "gru";
  const tg = tangents.map((t, i) =>
    t ?? new Tensor(nd.zeros(inputs[i].shape, { dtype: xg.dtype }))
  );
  const [txg, twhh, th0] = tg;
  const tr = composedForward(inputs, p);
  const whhT = transpose(whh), twhhT = transpose(twhh);
  let th = th0, tc = lstm ? tg[3] : null;
  const tys: Tensor[] = [];
  for (let k = 0; k < T; k++) {
    const t = timeOf(p, T, k);
    const mask = tr.masks[k], s = tr.steps[k], hPrev = tr.hs[k];
    const tx = slice(txg, t);
    const thg = matmul(th, whhT).add(matmul(hPrev, twhhT));
    let thNew: Tensor;
    if (lstm) {
      const [i, f, g, o] = s.gates;
      const [tai, taf, tag, tao] = split(tx.add(thg), i.shape[1], 1);
      const ti = tai.mul(i).mul(ew.sub(1, i)), tf = taf.mul(f).mul(ew.sub(1, f));
      const tgg = tag.mul(ew.sub(1, g.square())), to = tao.mul(o).mul(ew.sub(1, o));
      let tcNew = tf.mul(tr.cs[k]).add(f.mul(tc!)).add(ti.mul(g)).add(i.mul(tgg));
      const tcc = s.c!.tanh();
      thNew = to.mul(tcc).add(o.mul(ew.sub(1, tcc.square())).mul(tcNew));
      if (mask !== null) tcNew = ew.where(mask, tcNew, tc!);
      tc = tcNew;
    } else if (gru) {
      const [r, z, n] = s.gates;
      const H = r.shape[1];
      const thgb = p.hasBias ? thg.add(tg[3]) : thg;
      const [txr, txz, txn] = split(tx, H, 1), [thr, thz, thn] = split(thgb, H, 1);
      const trr = txr.add(thr).mul(r).mul(ew.sub(1, r));
      const tz = txz.add(thz).mul(z).mul(ew.sub(1, z));
      const tn = txn.add(trr.mul(s.hn!)).add(r.mul(thn)).mul(ew.sub(1, n.square()));
      thNew = tz.mul(hPrev.sub(n)).add(ew.sub(1, z).mul(tn)).add(z.mul(th));
    } else {
      const h = s.gates[0];
      const ta = tx.add(thg);
      thNew = p.mode === "rnnTanh"
        ? ta.mul(ew.sub(1, h.square()))
        : ta.mul(new Tensor(nd.gt(h.data, 0).astype(h.dtype)));
    }
    tys.push(mask === null ? thNew : ew.where(mask, thNew, 0));
    th = mask === null ? thNew : ew.where(mask, thNew, th);
  }
  return packOutputs(tys, lstm ? [th, tc!] : [th], p);
}

const RECURRENCE: Primitive<Params> = {
  name: "recurrence",
  forward: (inputs, p) => forwardArrays(inputs, p),
  vjp: (g, inputs, _out, p) =>
    state.gradEnabled || p.hs === null
      ? composedVjp(g, inputs, p)
      : backwardArrays(g.data, inputs, p),
  jvp: (tangents, inputs, _out, p) => composedJvp(tangents, inputs, p),
  // The saved trajectory is referenced by these params alone (the output is a copy).
  release: (p) => {
    for (const a of [p.hs, p.cs, p.act]) if (a !== null) releaseStorage(a.data);
    p.hs = p.cs = p.act = null;
  },
};

/**
 * The same recurrence written step by step with ordinary Tensor ops (a graph node per operation):
 * the reference the fused {@link recurrence} is tested against, and a readable statement of the
 * equations. Same arguments and results.
 *
 * @example
 * ```ts
 * import { recurrence, recurrenceReference, tensor } from "@nnc/autograd";
 * const xg = tensor([[[0.5, -1, 2, 0.1]]], { dtype: "float64" });
 * const whh = tensor([[0.3], [0.2], [0.1], [-0.4]], { dtype: "float64" });
 * const h0 = tensor([[0.25]], { dtype: "float64" });
 * const a = recurrence("lstm", xg, whh, h0), b = recurrenceReference("lstm", xg, whh, h0);
 * console.assert(Math.abs(a.h.item() - b.h.item()) < 1e-15);
 * ```
 */
export function recurrenceReference(
  mode: RecurrentMode,
  xg: Tensor,
  whh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): RecurrenceResult {
  const { inputs, params: p, T } = prepare("recurrenceReference", mode, xg, whh, h0, options);
  const tr = composedForward(inputs, p);
  const ys = tr.hs.slice(1).map((h, k) => {
    const m = tr.masks[k];
    return m === null ? h : ew.where(m, h, 0);
  });
  const output = stack(
    ys.map((_, t) => ys[p.reverse ? T - 1 - t : t]),
    0,
  );
  return {
    output,
    h: tr.hs[T],
    c: mode === "lstm" ? tr.cs[T] : null,
  };
}
