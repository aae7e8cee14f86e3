/**
 * `@nnc/models/rnn`: recurrent models. {@link CharLM}, a character (token) language model over
 * stacked RNN/LSTM/GRU layers; {@link Seq2Seq}, an encoder–decoder with Bahdanau or Luong
 * attention, teacher forcing and scheduled sampling; and decoding for any autoregressive model
 * through the {@link Decoder} interface (`step(tokens, state) → { logits, state }` and
 * `select(state, rows)`): {@link sampleNext} (greedy, temperature, top-k, top-p),
 * {@link generate}, {@link beamSearch} (width k, m candidates per hypothesis, length
 * normalisation) and {@link sequenceLogProb}. The layers themselves (`LSTM`, `GRU`, cells,
 * attention) are in `@nnc/layers`.
 *
 * @example
 * ```ts
 * import { CharLM } from "@nnc/models/rnn";
 * import { Rng } from "@nnc/tensor";
 * const lm = new CharLM({ vocabSize: 4, hiddenSize: 8, numLayers: 1, rng: new Rng(0) });
 * console.log(lm.sample([0], { maxNewTokens: 5, temperature: 0.8, seed: 3 }));
 * ```
 *
 * @module
 */
export * from "../_common/sampling.ts";
export * from "./char_lm.ts";
export * from "./seq2seq.ts";
