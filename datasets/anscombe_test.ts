import assert from "node:assert/strict";
import { anscombe } from "./anscombe.ts";
import { loadFixture } from "./_testing.ts";

interface Stats {
  name: string;
  meanX: number;
  varX: number;
  meanY: number;
  varY: number;
  corr: number;
  slope: number;
  intercept: number;
}
const fx = loadFixture<{ anscombe: Stats[] }>("formats").anscombe;

function stats(x: number[], y: number[]) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0),
    syy = y.reduce((a, v) => a + (v - my) ** 2, 0);
  const sxy = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0);
  return {
    mx,
    my,
    vx: sxx / (n - 1),
    vy: syy / (n - 1),
    r: sxy / Math.sqrt(sxx * syy),
    slope: sxy / sxx,
    intercept: my - (sxy / sxx) * mx,
  };
}

Deno.test("anscombe's sets have the NumPy-computed statistics", () => {
  const sets = anscombe();
  assert.deepEqual(sets.map((s) => s.name), ["I", "II", "III", "IV"]);
  sets.forEach((s, k) => {
    assert.deepEqual(s.x.shape, [11]);
    assert.equal(s.y.dtype, "float64");
    const st = stats(s.x.toArray() as number[], s.y.toArray() as number[]);
    const ref = fx[k];
    for (
      const [got, want] of [
        [st.mx, ref.meanX],
        [st.vx, ref.varX],
        [st.my, ref.meanY],
        [st.vy, ref.varY],
        [st.r, ref.corr],
        [st.slope, ref.slope],
        [st.intercept, ref.intercept],
      ]
    ) {
      assert.ok(Math.abs(got - want) < 1e-12, `${s.name}: ${got} vs ${want}`);
    }
    // The published summary (Anscombe 1973): mean x 9, var x 11, mean y 7.50, var y 4.125 ± 0.003,
    // correlation 0.816, line y = 3.00 + 0.500 x.
    assert.equal(s.x.mean().item(), 9);
    assert.equal(s.x.var().item(), 11);
    assert.equal(st.my.toFixed(2), "7.50");
    assert.ok(Math.abs(st.vy - 4.125) <= 0.003);
    assert.ok(Math.abs(st.r - 0.816) < 0.001, String(st.r));
    assert.equal(st.slope.toFixed(3), "0.500");
    assert.equal(st.intercept.toFixed(2), "3.00");
  });
});

Deno.test("anscombe returns fresh arrays each call", () => {
  const a = anscombe();
  a[0].x.data[0] = 100;
  assert.equal(anscombe()[0].x.get(0), 10);
});
