/**
 * The notes' curse-of-dimensionality numbers: a neighbourhood holding a fraction s of the unit cube
 * [0, 1]^p needs edge s^(1/p) (the notes swap the two values: s = 0.1, p = 10 gives 0.794 and
 * s = 0.01 gives 0.631); keeping P samples per axis needs P^d samples; and the inscribed ball fills a
 * vanishing share π^(d/2)/(Γ(d/2 + 1)·2^d) of the cube.
 *
 * @module
 */
import { checkInt, checkNumber } from "@nnc/tensor";

/**
 * Edge length s^(1/p) of the sub-cube holding a fraction s of [0, 1]^p.
 *
 * @example
 * ```ts
 * import { neighborhoodEdge } from "@nnc/models/classical";
 * console.assert(Math.abs(neighborhoodEdge(0.1, 10) - 0.7943) < 1e-4);
 * ```
 */
export function neighborhoodEdge(fraction: number, dim: number): number {
  checkNumber(fraction, "neighborhoodEdge", "fraction", 0, 1);
  checkInt(dim, "neighborhoodEdge", "dim", 1);
  return fraction ** (1 / dim);
}

/**
 * Samples P^d on a grid with P points per axis in d dimensions (a number; Infinity past 1.8e308).
 *
 * @example
 * ```ts
 * import { samplesForDensity } from "@nnc/models/classical";
 * console.assert(samplesForDensity(10, 3) === 1000);
 * ```
 */
export function samplesForDensity(perAxis: number, dim: number): number {
  checkNumber(perAxis, "samplesForDensity", "perAxis", 0);
  checkInt(dim, "samplesForDensity", "dim", 1);
  return perAxis ** dim;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Share of the cube [−1, 1]^d inside the unit ball: π^(d/2)/(Γ(d/2 + 1)·2^d).
 *
 * @example
 * ```ts
 * import { ballToCubeVolumeRatio } from "@nnc/models/classical";
 * console.assert(Math.abs(ballToCubeVolumeRatio(2) - Math.PI / 4) < 1e-12);
 * ```
 */
export function ballToCubeVolumeRatio(dim: number): number {
  checkInt(dim, "ballToCubeVolumeRatio", "dim", 1);
  return Math.exp((dim / 2) * Math.log(Math.PI) - logGamma(dim / 2 + 1) - dim * Math.LN2);
}
