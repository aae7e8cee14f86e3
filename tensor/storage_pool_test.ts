import assert from "node:assert/strict";
import {
  activationGrad,
  add,
  allocForOverwrite,
  allocTyped,
  astype,
  avgPool,
  batchNormalize,
  batchNormalizeBackward,
  col2im,
  contiguous,
  convolution,
  convolutionInputGrad,
  convolutionMaxPool,
  convolutionWeightGrad,
  type DType,
  emptyStoragePool,
  exp,
  fusedAttention,
  fusedAttentionBackward,
  fusedLayerNorm,
  fusedLayerNormBackward,
  gather,
  im2col,
  indexSelect,
  logSoftmax,
  matmul,
  maxPool,
  mul,
  type NDArray,
  rand,
  randint,
  recordAllocations,
  releaseStorage,
  relu,
  Rng,
  scatterAdd,
  setStoragePoolLimit,
  sigmoidCrossEntropyWithGrad,
  softmax,
  STORAGE_POOL_MIN_BYTES,
  storagePoolLimit,
  storagePoolStats,
  takeStorage,
  where,
} from "./mod.ts";

const MIN = STORAGE_POOL_MIN_BYTES;
const F32 = MIN / 4;

/** Runs `fn` with an empty pool of the given limit, restoring the limit afterwards. */
function withPool(limit: number, fn: () => void): void {
  const before = storagePoolLimit();
  emptyStoragePool();
  setStoragePoolLimit(limit);
  try {
    fn();
  } finally {
    emptyStoragePool();
    setStoragePoolLimit(before);
  }
}

Deno.test("a released array is handed out again, zero-filled, for the same byte length", () => {
  withPool(64 * MIN, () => {
    const a = allocTyped("float32", F32);
    a.fill(3);
    assert.equal(releaseStorage(a), true);
    assert.deepEqual(
      [storagePoolStats().arrays, storagePoolStats().bytes],
      [1, MIN],
    );
    assert.equal(a.length, 0); // detached: the memory now belongs to the pool
    const hits = storagePoolStats().hits;
    const b = allocTyped("int32", F32); // same bytes, another dtype: the same memory
    assert.equal(storagePoolStats().hits, hits + 1);
    assert.ok(b instanceof Int32Array);
    assert.equal(b.length, F32);
    assert.equal(b.every((v) => v === 0), true);
    assert.equal(storagePoolStats().arrays, 0);
    assert.equal(takeStorage("float32", F32), null);
    allocTyped("float32", F32);
    assert.equal(storagePoolStats().hits, hits + 1);
  });
});

Deno.test("the pool keeps only whole, large, unshared buffers, each once", () => {
  withPool(64 * MIN, () => {
    assert.equal(releaseStorage(new Float32Array(F32 - 1)), false); // below the minimum
    const big = new Float32Array(2 * F32);
    assert.equal(releaseStorage(big.subarray(F32)), false); // a view into part of a buffer
    assert.equal(releaseStorage(new Float32Array(new SharedArrayBuffer(MIN))), false);
    const a = new Float64Array(F32 / 2).fill(5);
    assert.equal(releaseStorage(a), true);
    assert.equal(releaseStorage(a), false); // a second release must not list it twice
    assert.equal(storagePoolStats().arrays, 1);
    assert.equal(takeStorage("float64", F32 / 2, false)?.[0], 5);
    assert.equal(takeStorage("float64", F32 / 2), null);
  });
});

Deno.test("past the limit the oldest arrays are dropped; a lower limit drops at once", () => {
  withPool(3 * MIN, () => {
    // Each array's first element tells which one the pool hands out (unzeroed takes).
    const arrays = () => [1, 2, 3, 4].map((k) => new Float32Array(F32).fill(k));
    for (const a of arrays()) assert.equal(releaseStorage(a), true);
    assert.equal(storagePoolStats().bytes, 3 * MIN);
    // Newest first out; the first one was evicted.
    assert.equal(takeStorage("float32", F32, false)?.[0], 4);
    assert.equal(takeStorage("float32", F32, false)?.[0], 3);
    assert.equal(takeStorage("float32", F32, false)?.[0], 2);
    assert.equal(takeStorage("float32", F32), null);
    for (const a of arrays()) releaseStorage(a);
    setStoragePoolLimit(MIN);
    assert.equal(storagePoolStats().bytes, MIN);
    assert.equal(takeStorage("float32", F32, false)?.[0], 4);
    assert.equal(releaseStorage(new Float32Array(2 * F32)), false); // larger than the limit
  });
  withPool(0, () => assert.equal(releaseStorage(new Float32Array(F32)), false));
});

Deno.test("emptyStoragePool drops everything and counters track hits and releases", () => {
  withPool(64 * MIN, () => {
    const s0 = storagePoolStats();
    releaseStorage(new Float32Array(F32));
    releaseStorage(new Float32Array(2 * F32));
    allocTyped("float32", 2 * F32);
    const s1 = storagePoolStats();
    assert.equal(s1.releases - s0.releases, 2);
    assert.equal(s1.hits - s0.hits, 1);
    emptyStoragePool();
    assert.deepEqual([storagePoolStats().arrays, storagePoolStats().bytes], [0, 0]);
  });
});

Deno.test("allocation scopes note large arrays allocated while open, nested or not", () => {
  const before = allocTyped("float32", F32);
  const outer = recordAllocations();
  const a = allocTyped("float32", F32);
  const inner = recordAllocations();
  const b = allocTyped("float64", F32);
  const small = allocTyped("float32", 16);
  inner.close();
  inner.close(); // idempotent
  const c = allocTyped("int32", F32);
  outer.close();
  const after = allocTyped("float32", F32);
  assert.deepEqual([outer.has(before), outer.has(a), outer.has(b), outer.has(c)], [
    false,
    true,
    true,
    true,
  ]);
  assert.deepEqual([inner.has(a), inner.has(b), inner.has(c)], [false, true, false]);
  assert.equal(outer.has(small), false);
  assert.equal(outer.has(after), false);
});

Deno.test("setStoragePoolLimit and releaseStorage reject bad arguments by name", () => {
  assert.throws(
    () => setStoragePoolLimit(-1),
    /setStoragePoolLimit: bytes must be a non-negative integer, got -1/,
  );
  assert.throws(() => setStoragePoolLimit(1.5), /setStoragePoolLimit/);
  assert.throws(
    () => releaseStorage([1, 2] as unknown as Float32Array),
    /releaseStorage: expected a typed array/,
  );
});

Deno.test("takeStorage rejects a bad dtype or length by name", () => {
  assert.throws(() => takeStorage("float16" as "float32", 4), /takeStorage/);
  assert.throws(
    () => takeStorage("float32", -1),
    /takeStorage: length must be a non-negative integer, got -1/,
  );
});

Deno.test("allocForOverwrite hands out a recycled buffer as it was left; fresh ones are zeros", () => {
  withPool(64 * MIN, () => {
    const a = allocTyped("float32", F32);
    a.fill(3);
    releaseStorage(a);
    const b = allocForOverwrite("float32", F32);
    assert.equal(b[0], 3); // the same memory, not zero-filled: its caller overwrites it
    assert.equal(allocForOverwrite("float64", 3).join(), "0,0,0");
    assert.throws(() => allocForOverwrite("float32", -1), /allocForOverwrite: length/);
  });
});

/**
 * `make()` computed twice: with an empty pool (fresh, zeroed outputs) and with the pool full of
 * NaN-filled (int32: 0x7fffffff) buffers of every output's size, which the second call's outputs
 * must come from; the two results must be bitwise equal. Catches a kernel that reads or skips an
 * element of an output allocated with allocForOverwrite.
 */
/** An array's elements in row-major order. */
function valuesOf(a: NDArray): number[] {
  const c = a.contiguous();
  return Array.from(c.data.subarray(c.offset, c.offset + c.size));
}

function assertOverwrites(name: string, make: () => NDArray[]): void {
  withPool(256 * MIN, () => {
    const fresh = make().map(valuesOf);
    const sizes = make().map((r) => [r.dtype, r.size] as [DType, number]);
    emptyStoragePool();
    for (const [dtype, size] of sizes) {
      for (let i = 0; i < 2; i++) {
        const junk = allocTyped(dtype, size);
        junk.fill(dtype === "int32" ? 0x7fffffff : NaN);
        assert.ok(releaseStorage(junk), `${name}: a ${dtype} output of ${size} is pooled`);
      }
    }
    const hits = storagePoolStats().hits;
    const again = make();
    assert.ok(storagePoolStats().hits > hits, `${name}: outputs were recycled`);
    // The first differing element, not a deep-equal diff (which takes minutes on 10⁵ numbers).
    again.map(valuesOf).forEach((v, k) => {
      const i = v.findIndex((x, j) => !Object.is(x, fresh[k][j]));
      assert.equal(i, -1, `${name}: output ${k}[${i}] is ${v[i]}, want ${fresh[k][i]}`);
    });
  });
}

Deno.test("kernels overwrite every element of recycled (non-zeroed) outputs, on every backend", () => {
  const rng = new Rng(7);
  const big = (shape: number[], dtype: "float32" | "float64" = "float32") =>
    rand(shape, { rng, dtype, low: -1, high: 1 });
  const x = big([512, 512]), y = big([512, 512]), row = big([512]);
  assertOverwrites("relu", () => [relu(x)]);
  const x64 = big([256, 512], "float64");
  assertOverwrites("exp float64", () => [exp(x64)]);
  assertOverwrites("add", () => [add(x, y)]);
  assertOverwrites("matmul", () => [matmul(x, y)]);
  assertOverwrites("matmul of transposed operands", () => [matmul(x.transpose(), y.transpose())]);
  const stack64 = big([4, 256, 64], "float64"), w64 = big([64, 256], "float64");
  assertOverwrites("matmul batched, float64", () => [matmul(stack64, w64)]);
  const empty = [big([512, 0]), big([0, 512])];
  assertOverwrites("matmul with K = 0 (zeros)", () => [matmul(empty[0], empty[1])]);
  assertOverwrites("matmul with a bias", () => [matmul(x, y, { bias: row })]);
  assertOverwrites(
    "matmul with K = 0 and a bias",
    () => [matmul(empty[0], empty[1], { bias: row })],
  );
  assertOverwrites("mul broadcast", () => [mul(x, row)]);
  const positive = relu(x);
  assertOverwrites("where", () => [where(positive, x, y)]);
  assertOverwrites("activationGrad", () => [activationGrad("relu", y, x)]);
  assertOverwrites("sigmoidCrossEntropyWithGrad", () => {
    const { loss, grad } = sigmoidCrossEntropyWithGrad(x, y);
    return [loss, grad];
  });
  const img = big([16, 8, 48, 48]);
  const w = big([32, 8, 3, 3]), bias = big([32]);
  const conv = { padding: 1, stride: 1 };
  assertOverwrites("convolution", () => [convolution(img, w, bias, conv)]);
  const strided = { padding: 1, stride: 2 };
  const dy = big([16, 32, 24, 24]);
  assertOverwrites("convolutionInputGrad", () => [
    convolutionInputGrad(dy, w, img.shape, strided),
  ]);
  const wide = big([64, 64, 8, 8]); // a 1 MiB weight gradient
  const dyWide = big([2, 64, 3, 3]);
  const imgWide = big([2, 64, 10, 10]);
  assertOverwrites("convolutionWeightGrad", () => [
    convolutionWeightGrad(dyWide, imgWide, wide.shape),
  ]);
  const large = big([16, 8, 96, 96]);
  assertOverwrites("maxPool", () => {
    const r = maxPool(large, { kernel: 3, stride: 2, padding: 1 });
    return [r.values, r.indices];
  });
  assertOverwrites("avgPool", () => [avgPool(large, { kernel: 2, padding: 1 })]);
  const small = big([8, 16, 48, 48]);
  const cols = im2col(small, { kernel: 3, padding: 1 });
  assertOverwrites("im2col", () => [im2col(small, { kernel: 3, padding: 1 })]);
  assertOverwrites("col2im", () => [col2im(cols, [48, 48], { kernel: 3, padding: 1 })]);
  // Outputs from the pool's smallest size up, through the kernels' paths for small shapes: a
  // single-row product (gemv), 7×7 maps multiplied side by side, pooling of small planes.
  const rowVec = big([1, 512]), wideW = big([512, 16384]);
  assertOverwrites("matmul of one row (64 KiB)", () => [matmul(rowVec, wideW)]);
  const maps = big([128, 16, 7, 7]), w7 = big([32, 16, 3, 3]);
  assertOverwrites("convolution of 7×7 maps", () => [convolution(maps, w7, null, conv)]);
  const dy7 = big([128, 32, 7, 7]);
  assertOverwrites("convolutionInputGrad of 7×7 maps", () => [
    convolutionInputGrad(dy7, w7, maps.shape, conv),
  ]);
  const bnX = big([32, 16, 24, 24]), gamma = big([16]), beta = big([16]);
  assertOverwrites("batchNormalize in training", () => {
    return [batchNormalize(bnX, { training: true, weight: gamma, bias: beta }).output];
  });
  const stats = batchNormalize(bnX, { training: true });
  const bnG = big(bnX.shape as number[]);
  assertOverwrites("batchNormalizeBackward", () => {
    const r = batchNormalizeBackward(bnG, bnX, stats.mean, stats.variance, {
      weight: gamma,
      training: true,
    });
    return [r.dx];
  });
  // 2^14 channels: statistics and per-channel gradients large enough to be pooled (64 KiB).
  const manyC = big([2, 16384, 1, 2]);
  const manyStats = batchNormalize(manyC, { training: true });
  assertOverwrites("batchNormalize's statistics and their gradients", () => {
    const r = batchNormalize(manyC, { training: true });
    const d = batchNormalizeBackward(manyC, manyC, manyStats.mean, manyStats.variance, {
      weight: manyStats.variance,
      training: true,
    });
    return [r.mean, r.variance, d.dweight as NDArray, d.dbias];
  });
  const lnX = big([512, 256]), lnW = big([256]), lnB = big([256]);
  const ln = fusedLayerNorm(lnX, [256], lnW, lnB);
  assertOverwrites("fusedLayerNorm", () => {
    return [fusedLayerNorm(lnX, [256], lnW, lnB).output];
  });
  const wideRows = big([16, 32768]);
  const wideLn = fusedLayerNorm(wideRows, [32768]);
  assertOverwrites("fusedLayerNormBackward", () => {
    const a = fusedLayerNormBackward(lnX, lnX, [256], ln.mean, ln.rstd, lnW, { biasGrad: true });
    const b = fusedLayerNormBackward(wideRows, wideRows, [32768], wideLn.mean, wideLn.rstd, null, {
      weightGrad: true,
      biasGrad: true,
    });
    return [a.dx, b.dx, b.dweight as NDArray, b.dbias as NDArray];
  });
  const maps14 = big([64, 16, 14, 14]);
  assertOverwrites("convolutionMaxPool of 14×14 maps", () => {
    const r = convolutionMaxPool(maps14, w7, bias, conv, { kernel: 2 });
    return [r.values, r.indices];
  });
  // Copies, softmax, row selection and attention allocate their outputs for overwrite too.
  assertOverwrites("contiguous copy of a transposed view", () => [contiguous(x.transpose())]);
  assertOverwrites("astype float32 → float64", () => [astype(x, "float64")]);
  assertOverwrites("softmax and logSoftmax", () => [softmax(x, 0), logSoftmax(x)]);
  const rows = randint(0, 512, [600], { rng });
  assertOverwrites("indexSelect", () => [indexSelect(x, 0, rows)]);
  const targets = randint(0, 512, [512, 64], { rng });
  const spread = big([512, 64]);
  assertOverwrites("scatterAdd", () => [scatterAdd(x, 1, targets, spread)]);
  const [q, k, v] = [0, 1, 2].map(() => big([8, 16, 128, 32])); // lse of 64 KiB: pooled too
  const heads = fusedAttention(q, k, v, { causal: true });
  const gOut = big([8, 16, 128, 32]);
  assertOverwrites("fusedAttention (heads, causal) and its backward", () => {
    const f = fusedAttention(q, k, v, { causal: true });
    const b = fusedAttentionBackward(q, k, v, heads.output, heads.lse, gOut, { causal: true });
    return [f.output, f.lse, b.dq, b.dk, b.dv];
  });
});

Deno.test("scatterAdd and gather give the contiguous copy of a strided index back to the pool", () => {
  withPool(64 * MIN, () => {
    const x = rand([64, 512]), src = rand([64, 512]);
    const index = randint(0, 512, [64, 1], { rng: new Rng(3) }).expand([64, 512]);
    const want = scatterAdd(x, 1, contiguous(index), src);
    emptyStoragePool();
    const released = storagePoolStats().releases;
    const got = scatterAdd(x, 1, index, src);
    assert.equal(storagePoolStats().releases, released + 1); // the 128 KiB int32 copy
    assert.deepEqual(Array.from(got.data), Array.from(want.data));
    const picked = gather(x, 1, index);
    assert.equal(storagePoolStats().releases, released + 2);
    assert.deepEqual(Array.from(picked.data), Array.from(gather(x, 1, contiguous(index)).data));
    // A contiguous index is the caller's own array: never released.
    const own = contiguous(index);
    scatterAdd(x, 1, own, src);
    assert.equal(own.size, 64 * 512);
    assert.equal(storagePoolStats().releases, released + 2);
  });
});
