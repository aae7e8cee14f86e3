import assert from "node:assert/strict";
import { arange, array, ones, Rng } from "@nnc/tensor";
import {
  compose,
  gaussianNoise,
  horizontalFlip,
  normalize,
  randomCrop,
  randomErasing,
} from "./transforms.ts";

Deno.test("normalize subtracts and divides per channel (axis 1) or globally", () => {
  const x = arange(8).astype("float32").reshape(2, 2, 2); // [B=2, C=2, 2]
  assert.deepEqual(normalize([1, 2], [2, 4])(x).toArray(), [[[-0.5, 0], [0, 0.25]], [[1.5, 2], [
    1,
    1.25,
  ]]]);
  assert.deepEqual(normalize(1, 2)(array([1, 3, 5])).toArray(), [0, 1, 2]);
  // MNIST's usual statistics.
  const m = normalize(0.1307, 0.3081)(ones([1, 1, 2, 2]));
  assert.ok(Math.abs(m.get(0, 0, 1, 1) - (1 - 0.1307) / 0.3081) < 1e-6);
  assert.equal(normalize(0, 1)(array([1, 2], { dtype: "int32" })).dtype, "float32");
  assert.equal(normalize(0, 1)(array([1, 2], { dtype: "float64" })).dtype, "float64");
  assert.deepEqual(x.toArray(), arange(8).reshape(2, 2, 2).toArray());
  assert.throws(
    () => normalize([1, 2, 3], 1)(x),
    /3 channel statistics for a batch with 2 channels/,
  );
  assert.throws(() => normalize(0, 0), /std must be positive/);
  assert.throws(() => normalize([0, 0], [1]), /2 means but 1 standard deviations/);
});

Deno.test("randomCrop crops each sample at a random offset of the padded image", () => {
  const img = arange(16).astype("float32").reshape(1, 1, 4, 4);
  const batch = img.expand(50, 1, 4, 4).contiguous();
  const out = randomCrop(2)(batch, new Rng(1));
  assert.deepEqual(out.shape, [50, 1, 2, 2]);
  const seenOffsets = new Set<string>();
  for (let b = 0; b < 50; b++) {
    const tl = out.get(b, 0, 0, 0);
    const [r, c] = [Math.floor(tl / 4), tl % 4];
    assert.deepEqual(out.slice(b, 0).toArray(), [[tl, tl + 1], [tl + 4, tl + 5]]);
    assert.ok(r <= 2 && c <= 2);
    seenOffsets.add(`${r},${c}`);
  }
  assert.equal(seenOffsets.size, 9);
  // With padding the crop may include the fill value; crop = image size and padding 1 shifts by at most 1.
  const padded = randomCrop(4, { padding: 1, fill: -1 })(
    img.expand(200, 1, 4, 4).contiguous(),
    new Rng(2),
  );
  let fills = 0;
  for (const v of padded.data) if (v === -1) fills++;
  assert.ok(fills > 0);
  for (let b = 0; b < 200; b++) {
    const s = padded.slice(b, 0);
    const vals = (s.toArray() as number[][]).flat().filter((v) => v >= 0);
    // Every kept pixel keeps its neighbours' order: consecutive kept values in a row differ by 1.
    (s.toArray() as number[][]).forEach((row) =>
      row.forEach((v, k) => k > 0 && v >= 0 && row[k - 1] >= 0 && assert.equal(v - row[k - 1], 1))
    );
    assert.ok(vals.length >= 9);
  }
  assert.throws(() => randomCrop(5)(img), /crop 5×5 is larger than the padded image 4×4/);
  assert.throws(() => randomCrop(2)(arange(4)), /at least 3 dimensions/);
  assert.throws(() => randomCrop(0), /size must be a positive integer/);
  assert.throws(() => randomCrop(2, { padding: -1 }), /padding must be a non-negative integer/);
});

Deno.test("horizontalFlip mirrors the last axis with probability p, per sample", () => {
  const x = arange(6).reshape(2, 1, 3);
  assert.deepEqual(horizontalFlip(1)(x).toArray(), [[[2, 1, 0]], [[5, 4, 3]]]);
  assert.deepEqual(horizontalFlip(0)(x).toArray(), x.toArray());
  const many = horizontalFlip(0.25)(
    arange(2).reshape(1, 2).expand(4000, 2).contiguous(),
    new Rng(0),
  );
  const flipped = (many.toArray() as number[][]).filter((r) => r[0] === 1).length;
  assert.ok(Math.abs(flipped - 1000) < 100, String(flipped));
  assert.throws(() => horizontalFlip(2), /p must be a probability/);
});

Deno.test("gaussianNoise adds seeded noise of the requested spread, optionally clipped", () => {
  const z = gaussianNoise(0.5)(ones([10000]).mul(3), new Rng(4));
  assert.ok(Math.abs(z.mean().item() - 3) < 0.02 && Math.abs(z.std().item() - 0.5) < 0.02);
  assert.deepEqual(
    gaussianNoise(0.5)(ones([5]), new Rng(4)).toArray(),
    gaussianNoise(0.5)(ones([5]), new Rng(4)).toArray(),
  );
  const c = gaussianNoise(1, { clip: [0, 1] })(ones([1000]).mul(0.5), new Rng(1));
  assert.ok(c.min().item() === 0 && c.max().item() === 1);
  assert.throws(() => gaussianNoise(1)(array([1], { dtype: "int32" })), /expected a float batch/);
  assert.throws(() => gaussianNoise(-1), /std must be a non-negative number/);
  assert.throws(() => gaussianNoise(1, { clip: [1, 0] }), /clip must be/);
});

Deno.test("compose applies transforms in order with one generator", () => {
  const t = compose(normalize(1, 2), horizontalFlip(1));
  assert.deepEqual(t(array([[1, 3, 5]])).toArray(), [[2, 1, 0]]);
  assert.throws(() => compose(3 as never), /transform 0 is 3, expected a function/);
  assert.throws(() => horizontalFlip(1)(array([[1]]), 5 as unknown as Rng), /rng must be an Rng/);
});

Deno.test("gaussianNoise names itself for null options", () => {
  assert.throws(
    () => gaussianNoise(0.1, null as never),
    /^TypeError: gaussianNoise: options must be an object, got null$/,
  );
});

Deno.test("randomErasing sets one rectangle per image, the same in every channel", () => {
  const x = arange(3 * 2 * 8 * 8).astype("float64").add(1).reshape(3, 2, 8, 8);
  const before = Array.from(x.data);
  // A fixed area of a quarter and a square shape: a 4×4 square somewhere in each image.
  const out = randomErasing({ p: 1, scale: [0.25, 0.25], ratio: [1, 1], value: -1 })(x, new Rng(3));
  assert.deepEqual(Array.from(x.data), before); // the input is not modified
  assert.equal(out.dtype, "float64");
  const d = out.data;
  const corners = new Set<string>();
  for (let b = 0; b < 3; b++) {
    const erased: [number, number][][] = [[], []];
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 64; i++) {
        const k = (b * 2 + c) * 64 + i;
        if (d[k] === -1) erased[c].push([Math.floor(i / 8), i % 8]);
        else assert.equal(d[k], before[k]);
      }
    }
    assert.deepEqual(erased[0], erased[1]);
    assert.equal(erased[0].length, 16);
    const [top, left] = erased[0][0];
    erased[0].forEach(([y, x], n) => assert.deepEqual([y, x], [top + (n >> 2), left + (n & 3)]));
    corners.add(`${top},${left}`);
  }
  assert.ok(corners.size > 1); // drawn per image
  // p = 0 leaves every image whole; p = 0.5 erases about half of them.
  assert.deepEqual(Array.from(randomErasing({ p: 0 })(x, new Rng(1)).data), before);
  const many = randomErasing({ value: -1 })(ones([2000, 1, 8, 8]), new Rng(4)).reshape(2000, 64);
  let hit = 0;
  for (let b = 0; b < 2000; b++) {
    if (many.data.subarray(b * 64, b * 64 + 64).includes(-1)) hit++;
  }
  assert.ok(Math.abs(hit / 2000 - 0.5) < 0.05, `${hit}`);
});

Deno.test("randomErasing rejects bad options by name", () => {
  assert.throws(() => randomErasing({ p: 2 }), /randomErasing: p must be a probability/);
  assert.throws(
    () => randomErasing({ scale: [0.5, 0.1] }),
    /randomErasing: scale must be \[low, high\] with 0 < low <= high <= 1/,
  );
  assert.throws(() => randomErasing({ ratio: [0, 1] }), /randomErasing: ratio must be/);
  assert.throws(() => randomErasing({ value: "0" as unknown as number }), /value must be a number/);
  assert.throws(
    () => randomErasing()(ones([2, 3])),
    /randomErasing: expected a batch with at least 3/,
  );
});
