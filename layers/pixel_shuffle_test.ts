import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, type Tensor, zeros } from "@nnc/autograd";
import { PixelShuffle, pixelShuffle, PixelUnshuffle, pixelUnshuffle } from "./mod.ts";

const f64 = { dtype: "float64" as const };

Deno.test("pixelShuffle puts channel c·r² + i·r + j at pixel (h·r + i, w·r + j), as PyTorch defines it", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.boolean(),
      (r, c, h, w, seed, batched) => {
        const shape = [...(batched ? [2] : []), c * r * r, h, w];
        const x = randn(shape, { ...f64, rng: new Rng(seed) });
        const y = pixelShuffle(x, r);
        assert.deepEqual(y.shape, [...(batched ? [2] : []), c, h * r, w * r]);
        for (let b = 0; b < (batched ? 2 : 1); b++) {
          const at = (t: Tensor, ...i: number[]) => t.data.get(...(batched ? [b, ...i] : i));
          for (let k = 0; k < c; k++) {
            for (let i = 0; i < r; i++) {
              for (let j = 0; j < r; j++) {
                for (let p = 0; p < h; p++) {
                  for (let q = 0; q < w; q++) {
                    assert.equal(
                      at(y, k, p * r + i, q * r + j),
                      at(x, k * r * r + i * r + j, p, q),
                    );
                  }
                }
              }
            }
          }
        }
        // The inverse, both ways.
        assert.deepEqual(pixelUnshuffle(y, r).toArray(), x.toArray());
        const z = randn([...(batched ? [2] : []), c, h * r, w * r], {
          ...f64,
          rng: new Rng(seed + 1),
        });
        assert.deepEqual(pixelShuffle(pixelUnshuffle(z, r), r).toArray(), z.toArray());
      },
    ),
    { numRuns: 60, seed: 4 },
  );
});

Deno.test("pixelShuffle and pixelUnshuffle pass gradcheck", () => {
  const rng = new Rng(2);
  const x = randn([1, 8, 2, 3], { ...f64, rng, requiresGrad: true });
  assert.ok(gradcheck((t) => pixelShuffle(t, 2).square(), [x], { mode: "both" }).ok);
  const z = randn([2, 1, 4, 2], { ...f64, rng, requiresGrad: true });
  assert.ok(gradcheck((t) => pixelUnshuffle(t, 2).square(), [z], { mode: "both" }).ok);
});

Deno.test("PixelShuffle and PixelUnshuffle: modules, repr, errors naming the op and the shape", () => {
  assert.deepEqual(new PixelShuffle(2).forward(zeros([3, 8, 2, 2])).shape, [3, 2, 4, 4]);
  assert.deepEqual(new PixelUnshuffle(2).forward(zeros([3, 2, 4, 4])).shape, [3, 8, 2, 2]);
  assert.match(String(new PixelShuffle(2)), /PixelShuffle\(upscaleFactor=2\)/);
  assert.throws(
    () => pixelShuffle(zeros([1, 6, 2, 2]), 2),
    /^RangeError: pixelShuffle: input must be \[\*, C·4, H, W\] \(channels divisible by upscaleFactor² = 4\), got \[1, 6, 2, 2\]$/,
  );
  assert.throws(
    () => pixelUnshuffle(zeros([1, 1, 3, 4]), 2),
    /^RangeError: pixelUnshuffle: input must be \[\*, C, H·2, W·2\] .*got \[1, 1, 3, 4\]$/,
  );
  assert.throws(() => pixelShuffle(zeros([4, 2]), 2), /^RangeError: pixelShuffle: input must be/);
  assert.throws(
    () => new PixelShuffle(0),
    /^RangeError: PixelShuffle: upscaleFactor must be an integer >= 1, got 0$/,
  );
  assert.throws(
    () => pixelUnshuffle(zeros([1, 1, 2, 2]), 1.5),
    /^RangeError: pixelUnshuffle: downscaleFactor/,
  );
});
