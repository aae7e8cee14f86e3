// The notes' linear regions over training (000-003 item 6, qualitative: 9744 → 4196 → 8541), with
// the run of the linear-regions experiment on a coarse grid.
import assert from "node:assert/strict";
import { regionsDuringTraining } from "./_regions.ts";

Deno.test("linear regions over training: the count drops in the first epochs, then rises past the start", async () => {
  const { counts, losses } = await regionsDuringTraining(20, 60);
  // spec: 000-003/3.6
  assert.ok(Math.min(...counts.slice(1, 4)) < counts[0], `${counts}`);
  assert.ok(counts[20] > 1.2 * counts[0], `${counts}`);
  assert.ok(losses[19] < losses[0] / 3, `${losses}`);
});
