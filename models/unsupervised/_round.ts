// Rounding to integers with an explicit rule for halves: results of hand-worked examples (the mock
// final's competitive-learning question) depend on it.

/** How to round after each update: `"none"`, or to the nearest integer with halves going as named. */
export type RoundMode =
  | "none"
  | "halfEven"
  | "halfUp"
  | "halfDown"
  | "halfAwayFromZero"
  | "halfTowardZero";

/** All rounding modes, for validation. */
export const ROUND_MODES: readonly RoundMode[] = [
  "none",
  "halfEven",
  "halfUp",
  "halfDown",
  "halfAwayFromZero",
  "halfTowardZero",
];

/** Rounds `v` by `mode`; -0 becomes 0 so printed weights never show "-0". */
export function roundBy(v: number, mode: RoundMode): number {
  let r: number;
  switch (mode) {
    case "none":
      return v;
    case "halfUp":
      r = Math.floor(v + 0.5);
      break;
    case "halfDown":
      r = Math.ceil(v - 0.5);
      break;
    case "halfAwayFromZero":
      r = Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
      break;
    case "halfTowardZero":
      r = Math.sign(v) * Math.ceil(Math.abs(v) - 0.5);
      break;
    case "halfEven": {
      const f = Math.floor(v), diff = v - f;
      r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
      break;
    }
  }
  return r === 0 ? 0 : r;
}
