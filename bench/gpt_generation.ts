/**
 * Generation speed of `@nnc/models/transformer`'s GPT with and without its KV cache: 256 tokens
 * after a 16-token prompt, greedy, batch 1, the W5 model's sizes (2 pre-LN blocks, width 128, 4
 * heads, feed-forward 512, vocabulary 96; context 512 so that no window slides). With the cache a
 * step runs one position through the blocks; without, the whole context again. The goal of the
 * transformer issue is a speed-up of at least 5×. Also checks that both produce the same tokens.
 * Generation goes through `GPT.sample`, i.e. the shared sampling helpers driving `GPT.decoder()`.
 *
 * Usage: `NNC_BACKEND=native deno run -A bench/gpt_generation.ts [--tokens 256] [--reps 3]`
 *
 * @module
 */
import { Rng } from "@nnc/tensor";
import { GPT } from "@nnc/models/transformer";
import { loadNativeIfRequested } from "./_native.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const tokens = arg("tokens", 256), reps = arg("reps", 3);
const backend = await loadNativeIfRequested();
const model = new GPT({
  vocabSize: 96,
  blockSize: 512,
  dModel: 128,
  numHeads: 4,
  numLayers: 2,
  dimFeedforward: 512,
  rng: new Rng(0),
}).eval();
const prompt = Array.from({ length: 16 }, (_, i) => (7 * i) % 96);

function run(useCache: boolean): number[] {
  return model.sample(prompt, { maxNewTokens: tokens, greedy: true, useCache });
}

function time(useCache: boolean): [number, number[]] {
  run(useCache); // warm-up
  let best = Infinity, out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = run(useCache);
    best = Math.min(best, performance.now() - t0);
  }
  return [best / 1000, out];
}

const [cached, a] = time(true);
const [full, b] = time(false);
const same = a.length === b.length && a.every((t, i) => t === b[i]);
console.log(
  `GPT generation on ${backend}: ${tokens} tokens after a 16-token prompt, best of ${reps}`,
);
console.log(
  `  with KV cache:    ${cached.toFixed(3)} s (${(tokens / cached).toFixed(0)} tokens/s)`,
);
console.log(`  without (recompute): ${full.toFixed(3)} s (${(tokens / full).toFixed(0)} tokens/s)`);
console.log(`  speed-up ${(full / cached).toFixed(1)}× (goal ≥ 5×); same tokens: ${same}`);
if (!same) Deno.exit(1);
