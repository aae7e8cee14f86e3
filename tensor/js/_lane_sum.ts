// The lane sums libnnc's kernels add in (native/src/internal.h, nnc_lane_total): element i of a
// run goes to partial sum i mod 8, in order, and the eight partials are added pairwise at the end.
// The JS kernels follow the same order so that both backends give the same bits.

/** The number of lane sums. */
export const LANES = 8;

/** ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)): the total of eight lane sums. */
export function laneTotal(p: Float64Array): number {
  return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}
