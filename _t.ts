import { Playground } from "./web/src/playground.ts";
for (const ds of ["circles","xor","spirals","moons","blobs"] as const) {
  const p = new Playground({ dataset: ds });
  const t0 = performance.now();
  let reached = -1;
  while (performance.now() - t0 < 4000) {
    for (let i = 0; i < 25; i++) p.step();
    const s = p.scores();
    if (s.testAccuracy >= 0.95 && reached < 0) { reached = performance.now() - t0; break; }
  }
  const s = p.scores();
  console.log(ds, p.steps, p.epoch, reached.toFixed(0), "ms", JSON.stringify(s), (performance.now()-t0).toFixed(0));
}
const p = new Playground();
const t0 = performance.now(); p.probe(50); console.log("probe", performance.now() - t0);
