// The option checks of the decoding loops (`generate`, `beamSearch`, `sampleNext`), shared with the
// models' own `sample` and `beamSearch` methods so that their errors name the method called.
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOptions,
  checkPositive,
  defaultRng,
  describe,
  Rng,
} from "@nnc/tensor";
import type { BeamSearchOptions, GenerateOptions, SamplingOptions } from "./sampling.ts";

function resolveRng(o: SamplingOptions, op: string): Rng {
  if (o.rng !== undefined) {
    if (!(o.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
    }
    return o.rng;
  }
  if (o.seed !== undefined) return new Rng(checkNumber(o.seed, op, "seed"));
  return defaultRng();
}

/** How the next token is chosen. */
export interface Chooser {
  greedy: boolean;
  temperature: number;
  topK: number;
  topP: number;
  rng: Rng;
}

/** The checked sampling options; errors name `op`. */
export function chooser(options: SamplingOptions | undefined, op: string): Chooser {
  const o = checkOptions(options, op);
  const greedy = checkBool(o.greedy ?? false, op, "greedy");
  const temperature = checkPositive(o.temperature ?? 1, op, "temperature");
  const topK = o.topK === undefined ? Infinity : checkInt(o.topK, op, "topK", 1);
  const topP = checkNumber(o.topP ?? 1, op, "topP");
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`${op}: topP must be in (0, 1], got ${topP}`);
  return { greedy, temperature, topK, topP, rng: greedy ? defaultRng() : resolveRng(o, op) };
}

/** The checked options of `generate`; errors name `op`. */
export function generateOptions(
  options: GenerateOptions,
  op: string,
): { c: Chooser; maxNew: number; eos: number } {
  const c = chooser(options, op);
  const maxNew = checkInt(options?.maxNewTokens, op, "maxNewTokens", 0);
  const eos = options.eos === undefined ? -1 : checkInt(options.eos, op, "eos", 0);
  return { c, maxNew, eos };
}

/** The checked options of `beamSearch`; errors name `op`. */
export function beamOptions(options: BeamSearchOptions, op: string): {
  k: number;
  m: number;
  maxLength: number;
  eos: number;
  alpha: number;
  keepGreedy: boolean;
} {
  checkOptions(options, op, "maxLength");
  const k = checkInt(options.beamWidth ?? 5, op, "beamWidth", 1);
  const m = checkInt(options.candidatesPerBeam ?? k, op, "candidatesPerBeam", 1);
  const maxLength = checkInt(options.maxLength, op, "maxLength", 1);
  const eos = options.eos === undefined ? -1 : checkInt(options.eos, op, "eos", 0);
  const alpha = checkNumber(options.lengthPenalty ?? 1, op, "lengthPenalty");
  const keepGreedy = checkBool(options.keepGreedy ?? true, op, "keepGreedy");
  return { k, m, maxLength, eos, alpha, keepGreedy };
}
