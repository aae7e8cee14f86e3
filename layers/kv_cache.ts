/**
 * {@link KVCache}: the keys and values an attention layer has already projected, kept between the
 * steps of autoregressive generation so that each new token costs one projection instead of
 * re-running the whole prefix.
 *
 * @module
 */
import { checkBool, checkOptions, describe, fmtShape, type NDArray, sameShape } from "@nnc/tensor";
import { concat, indexSelect, Tensor } from "@nnc/autograd";

/**
 * Keys and values `[N, H, T, Dh]` (batch, heads, positions, head width) of one attention layer.
 * A self-attention cache grows by the new positions at every call ({@link KVCache.update}); a
 * `static` cache (cross-attention over an encoder's memory) is filled once and then reused.
 * {@link KVCache.select} reorders the batch, as beam search needs when it keeps some hypotheses
 * and drops others.
 *
 * @example
 * ```ts
 * import { KVCache } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const cache = new KVCache();
 * cache.update(zeros([2, 4, 3, 8]), zeros([2, 4, 3, 8]));
 * const [k] = cache.update(zeros([2, 4, 1, 8]), zeros([2, 4, 1, 8]));
 * console.assert(k.shape.join() === "2,4,4,8" && cache.length === 4);
 * cache.select([1, 1]);
 * console.assert(cache.keys!.shape[0] === 2);
 * ```
 */
export class KVCache {
  /** Filled once and reused (cross-attention), instead of growing. */
  readonly static: boolean;
  #keys: Tensor | null = null;
  #values: Tensor | null = null;

  /** An empty cache; `static: true` for a cross-attention cache. */
  constructor(options: { static?: boolean } = {}) {
    const o = checkOptions(options, "KVCache");
    this.static = o.static === undefined ? false : checkBool(o.static, "KVCache", "static");
  }

  /** The cached keys `[N, H, T, Dh]`, or null when empty. */
  get keys(): Tensor | null {
    return this.#keys;
  }

  /** The cached values `[N, H, T, Dv]`, or null when empty. */
  get values(): Tensor | null {
    return this.#values;
  }

  /** Number of cached positions T. */
  get length(): number {
    return this.#keys === null ? 0 : this.#keys.shape[2];
  }

  /** True when nothing is cached. */
  get empty(): boolean {
    return this.#keys === null;
  }

  /**
   * Appends the keys and values of new positions (`[N, H, t, Dh]`) and returns all of them; a
   * static cache stores them the first time and ignores later ones.
   */
  update(keys: Tensor, values: Tensor): [Tensor, Tensor] {
    const op = "KVCache.update";
    for (const [name, x] of [["keys", keys], ["values", values]] as const) {
      if (!(x instanceof Tensor) || x.ndim !== 4) {
        throw new TypeError(`${op}: ${name} must be a 4-d Tensor [N, H, t, D], got ${describe(x)}`);
      }
    }
    if (!sameShape(keys.shape.slice(0, 3), values.shape.slice(0, 3))) {
      throw new RangeError(
        `${op}: keys ${fmtShape(keys.shape)} and values ${
          fmtShape(values.shape)
        } differ in [N, H, t]`,
      );
    }
    if (this.#keys === null || this.#values === null) {
      this.#keys = keys;
      this.#values = values;
    } else if (!this.static) {
      const [k, v] = [this.#keys, this.#values];
      if (
        !sameShape([k.shape[0], k.shape[1], k.shape[3]], [
          keys.shape[0],
          keys.shape[1],
          keys.shape[3],
        ]) ||
        v.shape[3] !== values.shape[3]
      ) {
        throw new RangeError(
          `${op}: new keys ${fmtShape(keys.shape)} do not extend the cached ${fmtShape(k.shape)}`,
        );
      }
      this.#keys = concat([k, keys], 2);
      this.#values = concat([v, values], 2);
    }
    return [this.#keys, this.#values];
  }

  /** Keeps the batch entries `indices` (in that order, repeats allowed): beam search's reordering. */
  select(indices: readonly number[] | NDArray): void {
    if (this.#keys === null || this.#values === null) return;
    this.#keys = indexSelect(this.#keys, 0, indices);
    this.#values = indexSelect(this.#values, 0, indices);
  }

  /** Empties the cache. */
  clear(): void {
    this.#keys = null;
    this.#values = null;
  }
}
