import assert from "node:assert/strict";
import fc from "fast-check";
import { array, Rng } from "@nnc/tensor";
import { tensor } from "@nnc/autograd";
import { mlp } from "@nnc/models/mlp";
import { activationPatterns, countLinearRegions, linearPieces, linearRegions } from "./mod.ts";
import { linearOf, sixReluNetwork } from "./_testing.ts";
import { ReLU, Sequential, Tanh } from "@nnc/layers";

Deno.test("the notes' six-ReLU network: 6 breakpoints, 7 pieces, slopes and values", () => {
  // spec: 000-003/3.3
  const net = sixReluNetwork();
  const pieces = linearPieces(net, [-3, 3]);
  assert.equal(pieces.length, 7);
  const breaks = pieces.slice(1).map((p) => p.start);
  [-1.54, -13 / 12, -5 / 6, 1 / 6, 0.55, 1].forEach((b, i) =>
    assert.ok(Math.abs(breaks[i] - b) < 1e-12, `${breaks[i]} vs ${b}`)
  );
  const slopes = pieces.map((p) => p.slope[0]);
  [6.2, 1.2, 0, -1.2, 0, 2, 7].forEach((s, i) =>
    assert.ok(Math.abs(slopes[i] - s) < 1e-12, `${slopes}`)
  );
  // two pieces share slope 0: 7 regions, 6 distinct slopes
  assert.equal(new Set(slopes.map((s) => s.toFixed(9))).size, 6);
  const xs = [-3, -2, -1.5, -1, -0.5, 0, 0.2, 0.5, 1, 1.5, 2, 3];
  const zs = [-9.6, -3.4, -0.5, 0, -0.4, -1.0, -1.2, -1.2, -0.3, 3.2, 6.7, 13.7];
  const out = net.forward(tensor(xs.map((x) => [x]), { dtype: "float64" })).toArray() as number[][];
  xs.forEach((x, i) => {
    assert.ok(Math.abs(out[i][0] - zs[i]) < 1e-12, `Z(${x}) = ${out[i][0]}`);
    const p = pieces.find((q) => q.start <= x && x <= q.end)!;
    assert.ok(Math.abs(p.slope[0] * x + p.intercept[0] - zs[i]) < 1e-12);
  });
});

Deno.test("grid counts equal exact enumeration on small random ReLU networks", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 2, max: 5 }),
      (seed, width) => {
        const net = mlp([2, width, width, 1], { rng: new Rng(seed), dtype: "float64" });
        const bounds = [[-1.5, 1.5], [-1.5, 1.5]] as const;
        const exact = linearRegions(net, { bounds });
        const grid = countLinearRegions(net, { bounds, resolution: 120 });
        // every region holding a grid point is found by the grid, and nothing else
        const keys = (ps: number[][]) => new Set(ps.map((p) => p.join("")));
        const u = Array.from(grid.u), v = Array.from(grid.v);
        const pts = v.flatMap((b) => u.map((a) => [a, b]));
        const pat = activationPatterns(net, array(pts, { dtype: "float64" }))
          .toArray() as number[][];
        const gridKeys = keys(pat);
        assert.equal(grid.count, gridKeys.size);
        const exactKeys = keys(exact.map((r) => r.pattern));
        for (const k of gridKeys) {
          assert.ok(
            exactKeys.has(k),
            `grid pattern ${k} is not an exact region`,
          );
        }
        // the regions tile the rectangle
        const total = exact.reduce((s, r) => s + r.area, 0);
        assert.ok(Math.abs(total - 9) < 1e-9, `areas sum to ${total}`);
        // regions the grid misses are thin: at most 1 % of the area in all
        const missed = exact.filter((r) => !gridKeys.has(r.pattern.join("")));
        assert.ok(missed.reduce((s, r) => s + r.area, 0) < 0.09);
        return true;
      },
    ),
    { numRuns: 8 },
  );
});

Deno.test("a fine grid finds every region of a small network; affine maps match the network", () => {
  const net = mlp([2, 4, 3, 1], { rng: new Rng(7), dtype: "float64" });
  const bounds = [[-2, 2], [-2, 2]] as const;
  const exact = linearRegions(net, { bounds });
  assert.equal(countLinearRegions(net, { bounds, resolution: 400 }).count, exact.length);
  for (const r of exact) {
    const c = r.polygon.reduce(
      (s, p) => [s[0] + p[0] / r.polygon.length, s[1] + p[1] / r.polygon.length],
      [0, 0],
    );
    const y = net.forward(tensor([c], { dtype: "float64" })).item();
    assert.ok(
      Math.abs(r.gradient[0][0] * c[0] + r.gradient[0][1] * c[1] + r.offset[0] - y) < 1e-12,
    );
    const p = activationPatterns(net, array([c], { dtype: "float64" })).toArray() as number[][];
    assert.deepEqual(p[0], r.pattern);
  }
});

Deno.test("linear regions of a 2-D slice of a 3-D input equal those of the restricted network", () => {
  const first = linearOf([[1, -1, 2], [0.5, 1, -1], [-1, 0.3, 0.2]], [0.1, -0.2, 0.3]);
  const net = new Sequential(first, new ReLU(), linearOf([[1, -1, 1]], [0]));
  // the plane z = 0.5 with u = x, v = y: the same as a 2-D net with bias b + 0.5·w_z
  const slice = {
    bounds: [[-1, 1], [-1, 1]] as const,
    origin: [0, 0, 0.5],
    directions: [[1, 0, 0], [0, 1, 0]] as const,
  };
  const flat = new Sequential(
    linearOf([[1, -1], [0.5, 1], [-1, 0.3]], [1.1, -0.7, 0.4]),
    new ReLU(),
    linearOf([[1, -1, 1]], [0]),
  );
  assert.equal(
    linearRegions(net, slice).length,
    linearRegions(flat, { bounds: slice.bounds }).length,
  );
  assert.equal(
    countLinearRegions(net, { ...slice, resolution: 64 }).count,
    countLinearRegions(flat, { bounds: slice.bounds, resolution: 64 }).count,
  );
});

Deno.test("linear regions: clear errors", () => {
  const net = mlp([2, 3, 1], { activation: "tanh", rng: new Rng(0) });
  assert.throws(
    () => linearRegions(net, { bounds: [[-1, 1], [-1, 1]] }),
    /linearRegions: net must hold only Linear, ReLU, Flatten and Identity layers, got Tanh at 1/,
  );
  assert.throws(
    () => linearRegions(new Tanh() as never, { bounds: [[-1, 1], [-1, 1]] }),
    /net must be a Sequential/,
  );
  const relu = mlp([2, 3, 1], { rng: new Rng(0) });
  assert.throws(
    () => linearRegions(relu, { bounds: [[1, -1], [-1, 1]] }),
    /bounds must be \[\[uMin, uMax\], \[vMin, vMax\]\]/,
  );
  assert.throws(
    () => countLinearRegions(relu, { bounds: [[-1, 1], [-1, 1]], resolution: 1 }),
    /resolution must be an integer >= 2/,
  );
  assert.throws(() => linearPieces(relu, [0, 1]), /linearPieces: net must take one input, got 2/);
  assert.throws(
    () => linearPieces(sixReluNetwork(), [1, 0]),
    /interval must be \[a, b\] with a < b/,
  );
  assert.throws(
    () => activationPatterns(relu, array([[1, 2, 3]])),
    /activationPatterns: x must be \[N, 2\]/,
  );
  const mlp3 = mlp([3, 2, 1], { rng: new Rng(0) });
  assert.throws(
    () => linearRegions(mlp3, { bounds: [[-1, 1], [-1, 1]], origin: [0, 0] }),
    /origin must list 3 numbers/,
  );
});
