/**
 * Decoding for any autoregressive model (recurrent or transformer language models, seq2seq
 * decoders): choosing the next token from logits (greedy, temperature, top-k, top-p),
 * {@link generate} (the notes' seed → sample → append → iterate loop) and {@link beamSearch} (keep
 * k hypotheses, expand each by m, prune to the best k; scores normalised by length). The model is
 * seen only through a {@link Decoder}: `step(tokens, state) → { logits, state }` over a batch of
 * sequences, and `select(state, rows)` to reorder that batch.
 *
 * @module
 */
import { asNDArray, checkInt, checkNumber, type NDArrayLike, type Rng } from "@nnc/tensor";
import { beamOptions, type Chooser, chooser, generateOptions } from "./_decode_options.ts";

/**
 * What decoding needs from a model.
 *
 * @example
 * ```ts
 * import type { Decoder } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * // A "model" that always prefers token (last + 1) mod 3; its state counts steps.
 * const counter: Decoder<number> = {
 *   step: (tokens, steps) => ({
 *     logits: array([...tokens].map((t) => [0, 1, 2].map((v) => (v === (t + 1) % 3 ? 5 : 0)))),
 *     state: steps + 1,
 *   }),
 *   select: (steps) => steps,
 * };
 * ```
 */
export interface Decoder<S> {
  /**
   * Logits `[B, V]` of the next token of each of B sequences, given each sequence's newest token
   * (`tokens`, length B) and the state after the tokens before it; returns the new state.
   */
  step(tokens: Int32Array, state: S): { logits: NDArrayLike; state: S };
  /** The state of the batch made of rows `rows` of `state`'s batch, in that order (rows may repeat). */
  select(state: S, rows: Int32Array): S;
}

/**
 * How {@link sampleNext} and {@link generate} choose a token.
 *
 * @example
 * ```ts
 * import type { SamplingOptions } from "@nnc/models/rnn";
 * const nucleus: SamplingOptions = { temperature: 0.8, topP: 0.9, seed: 1 };
 * const greedy: SamplingOptions = { greedy: true };
 * ```
 */
export interface SamplingOptions {
  /** Always take the most likely token (ties: the lowest id). Default false. */
  greedy?: boolean;
  /** Logits are divided by it before the softmax: below 1 sharper, above 1 flatter. Default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens only. Default: all. */
  topK?: number;
  /** Sample among the smallest set of most likely tokens whose probability reaches p (nucleus). Default 1. */
  topP?: number;
  /** Generator of the draws (takes precedence over `seed`). */
  rng?: Rng;
  /** Seed of a fresh generator. Default: the default generator of `@nnc/tensor`. */
  seed?: number;
}

/** `[B, V]` logits as rows of numbers (a 1-d array is one row). */
function logitRows(
  logits: NDArrayLike,
  op: string,
): { rows: number; V: number; data: ArrayLike<number>; at: number } {
  const a = asNDArray(logits, op, "logits");
  if (a.ndim !== 1 && a.ndim !== 2) {
    throw new RangeError(`${op}: logits must be [V] or [B, V], got [${a.shape.join(", ")}]`);
  }
  const c = a.contiguous();
  const V = c.shape[c.ndim - 1];
  if (V === 0) throw new RangeError(`${op}: logits have no tokens`);
  return { rows: c.ndim === 1 ? 1 : c.shape[0], V, data: c.data, at: c.offset };
}

function argmaxRow(d: ArrayLike<number>, at: number, V: number): number {
  let best = 0, bv = d[at];
  for (let j = 1; j < V; j++) if (d[at + j] > bv) bv = d[at + (best = j)];
  return best;
}

/** Log-softmax of one row of logits (after dividing by the temperature). */
function logSoftmaxRow(d: ArrayLike<number>, at: number, V: number, temperature = 1): Float64Array {
  const out = new Float64Array(V);
  let m = -Infinity;
  for (let j = 0; j < V; j++) m = Math.max(m, d[at + j] / temperature);
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(d[at + j] / temperature - m);
  const lse = m + Math.log(s);
  for (let j = 0; j < V; j++) out[j] = d[at + j] / temperature - lse;
  return out;
}

function sampleRow(d: ArrayLike<number>, at: number, V: number, c: Chooser): number {
  if (c.greedy) return argmaxRow(d, at, V);
  const lp = logSoftmaxRow(d, at, V, c.temperature);
  // Candidates by decreasing probability (stable: ties keep the lower id first).
  const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => lp[b] - lp[a] || a - b);
  let keep = Math.min(V, c.topK);
  if (c.topP < 1) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += Math.exp(lp[order[r]]);
      if (mass >= c.topP) {
        keep = r + 1;
        break;
      }
    }
  }
  let total = 0;
  for (let r = 0; r < keep; r++) total += Math.exp(lp[order[r]]);
  let u = c.rng.random() * total;
  for (let r = 0; r < keep; r++) {
    u -= Math.exp(lp[order[r]]);
    if (u < 0) return order[r];
  }
  return order[keep - 1];
}

/**
 * The next token of each row of `logits` (`[B, V]`, or `[V]` for one sequence): the most likely
 * one (`greedy`), or a draw from the softmax of `logits / temperature` restricted to the `topK`
 * most likely tokens and to the nucleus of probability `topP`.
 *
 * @example
 * ```ts
 * import { sampleNext } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * const logits = array([[0, 3, 1], [2, 0, 0]]);
 * console.assert(sampleNext(logits, { greedy: true }).join() === "1,0");
 * // top-k = 1 is greedy whatever the temperature.
 * console.assert(sampleNext(logits, { topK: 1, temperature: 5, seed: 0 }).join() === "1,0");
 * ```
 */
export function sampleNext(logits: NDArrayLike, options?: SamplingOptions): Int32Array {
  const op = "sampleNext";
  const c = chooser(options, op);
  const { rows, V, data, at } = logitRows(logits, op);
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) out[b] = sampleRow(data, at + b * V, V, c);
  return out;
}

/**
 * The probabilities {@link sampleNext} draws from, per row (after temperature, top-k and top-p;
 * greedy puts all the mass on the argmax). Useful to check a sampler or to show a distribution.
 *
 * @example
 * ```ts
 * import { samplingDistribution } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * const p = samplingDistribution(array([Math.log(0.5), Math.log(0.3), Math.log(0.2)], { dtype: "float64" }), {
 *   topP: 0.7,
 * });
 * console.assert(Math.abs(p[0][0] - 0.625) < 1e-12 && p[0][2] === 0);
 * ```
 */
export function samplingDistribution(logits: NDArrayLike, options?: SamplingOptions): number[][] {
  const op = "samplingDistribution";
  const c = chooser(options, op);
  const { rows, V, data, at } = logitRows(logits, op);
  const out: number[][] = [];
  for (let b = 0; b < rows; b++) {
    const p = new Array<number>(V).fill(0);
    if (c.greedy) {
      p[argmaxRow(data, at + b * V, V)] = 1;
      out.push(p);
      continue;
    }
    const lp = logSoftmaxRow(data, at + b * V, V, c.temperature);
    const order = Array.from({ length: V }, (_, j) => j).sort((x, y) => lp[y] - lp[x] || x - y);
    let keep = Math.min(V, c.topK);
    if (c.topP < 1) {
      let mass = 0;
      for (let r = 0; r < keep; r++) {
        mass += Math.exp(lp[order[r]]);
        if (mass >= c.topP) {
          keep = r + 1;
          break;
        }
      }
    }
    let total = 0;
    for (let r = 0; r < keep; r++) total += Math.exp(lp[order[r]]);
    for (let r = 0; r < keep; r++) p[order[r]] = Math.exp(lp[order[r]]) / total;
    out.push(p);
  }
  return out;
}

/**
 * Options of {@link generate}.
 *
 * @example
 * ```ts
 * import type { GenerateOptions } from "@nnc/models/rnn";
 * const o: GenerateOptions = { maxNewTokens: 200, temperature: 0.8, topK: 20, eos: 0, seed: 7 };
 * ```
 */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate per sequence (fewer when `eos` comes first). */
  maxNewTokens: number;
  /** A token that ends a sequence (it is kept in the output). */
  eos?: number;
}

/**
 * The autoregressive loop (seed → p(next | seed) → choose → append → iterate): feeds `tokens` (one
 * per sequence, the last token of each prompt, with `state` the state after the rest of it) and
 * then each chosen token back. Returns the new tokens of every sequence.
 *
 * @example
 * ```ts
 * import { type Decoder, generate } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * const next: Decoder<null> = {
 *   step: (tokens) => ({ logits: array([...tokens].map((t) => [0, 1, 2].map((v) => (v === (t + 1) % 3 ? 9 : 0)))), state: null }),
 *   select: () => null,
 * };
 * const [seq] = generate(next, Int32Array.of(0), null, { maxNewTokens: 5, greedy: true });
 * console.assert(seq.join() === "1,2,0,1,2");
 * ```
 */
export function generate<S>(
  decoder: Decoder<S>,
  tokens: Int32Array | readonly number[],
  state: S,
  options: GenerateOptions,
): number[][] {
  const op = "generate";
  checkDecoder(decoder, op);
  const { c, maxNew, eos } = generateOptions(options, op);
  let current = Int32Array.from(tokens);
  const B = current.length;
  if (B === 0) throw new RangeError(`${op}: tokens must hold one token per sequence, got none`);
  const out: number[][] = Array.from({ length: B }, () => []);
  const done = new Uint8Array(B);
  for (let t = 0; t < maxNew; t++) {
    const r = decoder.step(current, state);
    state = r.state;
    const { rows, V, data, at } = logitRows(r.logits, op);
    if (rows !== B) {
      throw new RangeError(`${op}: step returned ${rows} rows of logits for ${B} sequences`);
    }
    const next = new Int32Array(B);
    let alive = 0;
    for (let b = 0; b < B; b++) {
      next[b] = sampleRow(data, at + b * V, V, c);
      if (!done[b]) {
        out[b].push(next[b]);
        if (next[b] === eos) done[b] = 1;
        else alive++;
      }
    }
    if (alive === 0) break;
    current = next;
  }
  return out;
}

/**
 * Options of {@link beamSearch}.
 *
 * @example
 * ```ts
 * import type { BeamSearchOptions } from "@nnc/models/rnn";
 * const o: BeamSearchOptions = { beamWidth: 5, maxLength: 30, eos: 1, lengthPenalty: 0.7 };
 * ```
 */
export interface BeamSearchOptions {
  /** Hypotheses kept after each step (k). Default 5. */
  beamWidth?: number;
  /** Continuations of each hypothesis considered per step (m, the most likely ones). Default `beamWidth`. */
  candidatesPerBeam?: number;
  /** Tokens per hypothesis at most (the start token not counted). */
  maxLength: number;
  /** The end token: a hypothesis that emits it is finished (the token counts in its length). */
  eos?: number;
  /**
   * Length normalisation α: hypotheses are ranked by `log p / length^α`. 0 ranks by `log p` alone
   * (favouring short outputs), 1 (default) by the mean log-probability per token.
   */
  lengthPenalty?: number;
  /**
   * Never prune the greedy hypothesis (the one that always took the most likely token), so the
   * result scores at least as well as greedy decoding. Default true.
   */
  keepGreedy?: boolean;
}

/**
 * A finished (or length-limited) hypothesis of {@link beamSearch}.
 *
 * @example
 * ```ts
 * import type { Hypothesis } from "@nnc/models/rnn";
 * const h: Hypothesis = { tokens: [4, 2, 1], logProb: -1.5, score: -0.5, finished: true };
 * ```
 */
export interface Hypothesis {
  /** Generated tokens (with the final `eos` when it finished). */
  tokens: number[];
  /** Sum of the log-probabilities of the tokens. */
  logProb: number;
  /** `logProb / length^lengthPenalty`: what hypotheses are ranked by. */
  score: number;
  /** Whether it ended with `eos` (rather than at `maxLength`). */
  finished: boolean;
}

interface Beam {
  tokens: number[];
  logProb: number;
  greedy: boolean;
}

/**
 * Beam search from one start token and state: keeps the `beamWidth` best hypotheses, expands
 * each by its `candidatesPerBeam` most likely next tokens, and keeps the best `beamWidth` of those
 * by cumulative log-probability (the greedy one is never dropped, see `keepGreedy`); a hypothesis
 * that emits `eos`, or reaches `maxLength`, is finished. Returns every finished hypothesis, best
 * first by the length-normalised score.
 *
 * @example
 * ```ts
 * import { beamSearch, type Decoder } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * // Tokens 0 (end), 1, 2; after 1 the end is certain, after 2 it is not.
 * const lm: Decoder<null> = {
 *   step: (tokens) => ({
 *     logits: array([...tokens].map((t) => t === 1 ? [0, -99, -99] : t === 2 ? [-1, -1, -1] : [-99, Math.log(0.4), Math.log(0.6)]), { dtype: "float64" }),
 *     state: null,
 *   }),
 *   select: () => null,
 * };
 * const [best] = beamSearch(lm, 3, null, { beamWidth: 2, maxLength: 4, eos: 0, lengthPenalty: 0 });
 * // Greedy takes 2 (p = 0.6) then ends with p = 1/3; the beam finds 1 then the certain end (0.4).
 * console.assert(best.tokens.join() === "1,0" && Math.abs(best.logProb - Math.log(0.4)) < 1e-9);
 * ```
 */
export function beamSearch<S>(
  decoder: Decoder<S>,
  start: number,
  state: S,
  options: BeamSearchOptions,
): Hypothesis[] {
  const op = "beamSearch";
  checkDecoder(decoder, op);
  const { k, m, maxLength, eos, alpha, keepGreedy } = beamOptions(options, op);
  checkInt(start, op, "start", 0);
  const score = (logProb: number, length: number) => logProb / Math.pow(Math.max(1, length), alpha);
  const finished: Hypothesis[] = [];
  let beams: Beam[] = [{ tokens: [], logProb: 0, greedy: true }];
  let tokens = Int32Array.of(start);
  for (let t = 0; t < maxLength && beams.length > 0; t++) {
    const r = decoder.step(tokens, state);
    const { rows, V, data, at } = logitRows(r.logits, op);
    if (rows !== beams.length) {
      throw new RangeError(
        `${op}: step returned ${rows} rows of logits for ${beams.length} hypotheses`,
      );
    }
    const candidates: { from: number; token: number; logProb: number; greedy: boolean }[] = [];
    for (let b = 0; b < beams.length; b++) {
      const lp = logSoftmaxRow(data, at + b * V, V);
      const best = argmaxRow(data, at + b * V, V);
      const order = Array.from({ length: V }, (_, j) => j).sort((x, y) => lp[y] - lp[x] || x - y);
      const top = order.slice(0, Math.min(m, V));
      if (!top.includes(best)) top.push(best);
      for (const token of top) {
        candidates.push({
          from: b,
          token,
          logProb: beams[b].logProb + lp[token],
          greedy: beams[b].greedy && token === best,
        });
      }
    }
    candidates.sort((x, y) => y.logProb - x.logProb);
    let kept = candidates.slice(0, k);
    if (keepGreedy && !kept.some((c) => c.greedy)) {
      const g = candidates.find((c) => c.greedy);
      if (g !== undefined) kept = [...kept.slice(0, k - 1), g];
    }
    const next: Beam[] = [];
    const rowsKept: number[] = [];
    for (const c of kept) {
      const seq = [...beams[c.from].tokens, c.token];
      if (c.token === eos || t === maxLength - 1) {
        finished.push({
          tokens: seq,
          logProb: c.logProb,
          score: score(c.logProb, seq.length),
          finished: c.token === eos,
        });
      } else {
        next.push({ tokens: seq, logProb: c.logProb, greedy: c.greedy });
        rowsKept.push(c.from);
      }
    }
    beams = next;
    if (beams.length === 0) break;
    state = decoder.select(r.state, Int32Array.from(rowsKept));
    tokens = Int32Array.from(beams.map((b) => b.tokens[b.tokens.length - 1]));
  }
  return finished.sort((x, y) => y.score - x.score);
}

/**
 * The log-probability of a given continuation under a decoder (teacher forcing), and its
 * length-normalised score as {@link beamSearch} ranks it.
 *
 * @example
 * ```ts
 * import { type Decoder, sequenceLogProb } from "@nnc/models/rnn";
 * import { array } from "@nnc/tensor";
 * const uniform: Decoder<null> = { step: (t) => ({ logits: array([...t].map(() => [0, 0])), state: null }), select: () => null };
 * console.assert(Math.abs(sequenceLogProb(uniform, 0, null, [1, 1, 0]).logProb - 3 * Math.log(0.5)) < 1e-12);
 * ```
 */
export function sequenceLogProb<S>(
  decoder: Decoder<S>,
  start: number,
  state: S,
  tokens: readonly number[],
  options: { lengthPenalty?: number } = {},
): { logProb: number; score: number } {
  const op = "sequenceLogProb";
  checkDecoder(decoder, op);
  const alpha = checkNumber(options.lengthPenalty ?? 1, op, "lengthPenalty");
  let logProb = 0, prev = start;
  for (const token of tokens) {
    const r = decoder.step(Int32Array.of(prev), state);
    state = r.state;
    const { V, data, at } = logitRows(r.logits, op);
    if (!Number.isInteger(token) || token < 0 || token >= V) {
      throw new RangeError(`${op}: token ${token} is outside the vocabulary of ${V}`);
    }
    logProb += logSoftmaxRow(data, at, V)[token];
    prev = token;
  }
  return { logProb, score: logProb / Math.pow(Math.max(1, tokens.length), alpha) };
}

function checkDecoder(d: unknown, op: string): void {
  const x = d as Decoder<unknown>;
  if (
    x === null || typeof x !== "object" || typeof x.step !== "function" ||
    typeof x.select !== "function"
  ) {
    throw new TypeError(
      `${op}: decoder must be an object with step(tokens, state) and select(state, rows)`,
    );
  }
}
