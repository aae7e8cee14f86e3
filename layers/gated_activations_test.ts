import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, gradgradcheck, tensor } from "@nnc/autograd";
import { GLU, glu, PReLU, prelu } from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";

const FILE = "activations.json";

Deno.test("GLU and PReLU match PyTorch 2.x (values, input and slope gradients)", () => {
  checkLayerCase("glu", new GLU(1), FILE);
  checkLayerCase("glu_last", new GLU(), FILE);
  checkLayerCase("prelu", new PReLU(1, { dtype: "float64" }), FILE);
  checkLayerCase("prelu_channels", new PReLU(3, { dtype: "float64" }), FILE);
  checkLayerCase("prelu_channels_1d", new PReLU(4, { dtype: "float64" }), FILE);
});

const double = fc.double({ min: -30, max: 30, noNaN: true });

Deno.test("prelu equals its definition channel by channel, its gradients too (fast-check)", () => {
  const cases = fc.integer({ min: 1, max: 4 }).chain((c) =>
    fc.tuple(
      fc.array(
        fc.array(fc.array(double, { minLength: 2, maxLength: 2 }), {
          minLength: c,
          maxLength: c,
        }),
        { minLength: 1, maxLength: 3 },
      ),
      fc.array(double, { minLength: c, maxLength: c }),
    )
  );
  fc.assert(
    fc.property(cases, ([xs, ws]) => {
      const x = tensor(xs, { dtype: "float64", requiresGrad: true });
      const w = tensor(ws, { dtype: "float64", requiresGrad: true });
      const y = prelu(x, w);
      y.sum().backward();
      const ys = y.toArray() as number[][][], gx = x.grad!.toArray() as number[][][];
      const gw = ws.map(() => 0);
      xs.forEach((plane, i) =>
        plane.forEach((row, j) =>
          row.forEach((v, k) => {
            // (+ 0: the sign of a zero is not compared.)
            assert.equal(ys[i][j][k] + 0, (v > 0 ? v : ws[j] * v) + 0);
            assert.equal(gx[i][j][k] + 0, (v > 0 ? 1 : ws[j]) + 0); // the slope at 0, as PyTorch
            gw[j] += v > 0 ? 0 : v;
          })
        )
      );
      const got = w.grad!.toArray() as number[];
      gw.forEach((g, j) => assert.ok(Math.abs(got[j] - g) <= 1e-12 * (1 + Math.abs(g))));
    }),
    { numRuns: 100 },
  );
});

Deno.test("glu is a·σ(b) of the two halves along its axis (fast-check)", () => {
  const halves = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.tuple(
      fc.array(double, { minLength: n, maxLength: n }),
      fc.array(double, { minLength: n, maxLength: n }),
    )
  );
  fc.assert(
    fc.property(halves, ([a, b]) => {
      const last = glu(tensor([[...a, ...b]], { dtype: "float64" })).toArray() as number[][];
      const first = glu(tensor([a, b], { dtype: "float64" }), 0).toArray() as number[][];
      a.forEach((v, i) => {
        const want = v / (1 + Math.exp(-b[i]));
        assert.ok(Math.abs(last[0][i] - want) <= 1e-15 * (1 + Math.abs(want)));
        assert.equal(first[0][i], last[0][i]);
      });
    }),
    { numRuns: 100 },
  );
});

Deno.test("GLU and PReLU: first and second derivatives, the slopes' start, errors", () => {
  const x = tensor([[0.3, -1.2, 2, 0.4], [-0.6, 0.1, 0.9, -2]], {
    dtype: "float64",
    requiresGrad: true,
  });
  assert.ok(gradcheck((t) => glu(t), [x], { mode: "both" }).ok);
  assert.ok(gradgradcheck((t) => glu(t, 0), [x]).ok);
  const w = tensor([0.25, -0.5], { dtype: "float64", requiresGrad: true });
  const img = tensor([[[0.5, -1.5], [-0.25, 2]]], { dtype: "float64", requiresGrad: true });
  assert.ok(gradcheck((t, s) => prelu(t, s), [img, w]).ok);
  assert.ok(gradgradcheck((t, s) => prelu(t, s), [img, w]).ok);
  const m = new PReLU(3);
  assert.deepEqual(m.weight.toArray(), [0.25, 0.25, 0.25]);
  assert.equal(m.weight.dtype, "float32");
  assert.equal(m.numParameters(), 3);
  assert.equal(m.toString(), "PReLU(numSlopes=3)  weight [3] · 3 parameters");
  assert.deepEqual(new PReLU(1, { init: -1 }).forward(tensor([-2, 2])).toArray(), [2, 2]);
  assert.ok(Number.isNaN(prelu(tensor([NaN]), tensor([0.1])).item()));
  assert.throws(() => glu(tensor([1, 2, 3])), /glu: the size along axis -1 must be even, got 3/);
  assert.throws(() => glu(x, 2), /glu: axis 2 is out of range for a 2-d input/);
  assert.throws(() => glu(x, 0.5), /glu: axis must be an integer, got 0.5/);
  assert.throws(() => new GLU(NaN), /GLU: axis must be an integer/);
  assert.throws(
    () => prelu(x, tensor([1, 2, 3])),
    /prelu: 3 slopes need an input with 3 channels on axis 1, got shape \[2,4\]/,
  );
  assert.throws(
    () => prelu(tensor([1, 2]), tensor([1, 2])),
    /prelu: 2 slopes need an input with 2 channels/,
  );
  assert.throws(() => prelu(x, tensor([[1]])), /prelu: weight must be 1-d, got shape \[1,1\]/);
  assert.throws(() => new PReLU(0), /PReLU: numParameters/);
  assert.throws(() => new PReLU(2, { init: Infinity }), /PReLU: init must be a finite number/);
  assert.throws(() => new PReLU(2, { dtype: "int32" } as never), /PReLU/);
  assert.throws(() => new PReLU(2, 0.1 as never), /PReLU: options must be an object, got 0.1/);
});
