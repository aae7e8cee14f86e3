// Test helpers of the generative family: the PyTorch fixtures of fixtures/generative.json.
import { array, type DType, type NDArray } from "@nnc/tensor";

/** A tensor as the fixture script writes it. */
export interface Encoded {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** The array of an encoded tensor. */
export function decode(e: Encoded): NDArray {
  return array(e.data, { dtype: e.dtype, shape: e.shape });
}

/** Decodes every entry of a state dict. */
export function decodeState(state: Record<string, Encoded>): Record<string, NDArray> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}

let cache: Record<string, unknown> | null = null;

/** The cases of one group (`vae`, `gp`) of fixtures/generative.json. */
export function fixtureCases<T>(group: string): T[] {
  cache ??= JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/generative.json", import.meta.url)),
  );
  return cache![group] as T[];
}
