/**
 * Transformers: {@link GPT}, a decoder-only character language model with a KV cache for
 * generation, and {@link Seq2SeqTransformer}, an encoder–decoder for sequence-to-sequence tasks.
 * Both decode step by step with cached keys and values and plug into the shared sampling helpers
 * (`generate`, `beamSearch`: greedy, temperature, top-k, top-p, beam search with length
 * normalisation) through their `decoder()`. The layers they compose live in `@nnc/layers`.
 *
 * @example
 * ```ts
 * import { GPT } from "@nnc/models/transformer";
 * import { array } from "@nnc/tensor";
 * const gpt = new GPT({ vocabSize: 10, blockSize: 32, dModel: 16, numHeads: 2, numLayers: 1 }).eval();
 * const { logits } = gpt.step(array([[1, 2, 3]], { dtype: "int32" }), null);
 * console.log(logits.shape); // [ 1, 10 ]
 * ```
 *
 * @module
 */
export * from "./gpt.ts";
export * from "./seq2seq.ts";
