// Backward hands the gradients it made and consumed to the storage pool (backward.ts, Recycler).
// A buffer released while anything still refers to it would be overwritten by the next allocation
// of its size, so these tests release, then allocate and scribble over every pooled buffer, then
// check that nothing anyone can still see changed.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  allocTyped,
  emptyStoragePool,
  NDArray,
  releaseStorage,
  setStoragePoolLimit,
  STORAGE_POOL_MIN_BYTES,
  storagePoolLimit,
  storagePoolStats,
  takeStorage,
} from "@nnc/tensor";
import { applyPrimitive, backward, gradients, type Primitive, recurrence, Tensor } from "./mod.ts";

const N = STORAGE_POOL_MIN_BYTES / 4; // float32 elements of the smallest pooled array
const SHAPE = [N / 256, 256];

function randomArray(seed: number, shape: number[] = SHAPE, scale = 1): NDArray {
  const d = new Float32Array(shape.reduce((p, q) => p * q, 1));
  let s = seed >>> 0;
  for (let i = 0; i < d.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    d[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return NDArray.fromTyped(d, shape);
}

/** Takes every pooled buffer and fills it with NaN: a premature release now shows. */
function scribble(): void {
  for (let n = storagePoolStats().arrays; n > 0; n--) allocTyped("float32", N).fill(Number.NaN);
}

function snapshot(a: NDArray): Float32Array {
  const c = a.contiguous();
  return Float32Array.from(c.data.subarray(c.offset, c.offset + c.size));
}

/** Bit-equal arrays, reporting the first difference only (a full diff of 2^18 floats is huge). */
function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const i = actual.findIndex((v, k) => !Object.is(v, expected[k]));
  assert.equal(i, -1, `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
}

type Op = (a: Tensor, b: Tensor) => Tensor;
// Ops whose vjps return the incoming gradient itself (add, views), share it between inputs, sum
// broadcasts, or make fresh arrays (mul, relu, tanh).
const OPS: Op[] = [
  (a, b) => a.add(b),
  (a, b) => a.mul(b),
  (a, b) => a.sub(b.relu()),
  (a, _b) => a.tanh(),
  (a, _b) => a.reshape([N]).reshape(SHAPE),
  (a, _b) => a.transpose().contiguous().transpose(),
  (a, b) => a.add(b.sum({ axis: 0, keepDims: true })),
  (a, _b) => a.mul(2).add(a),
];

interface Plan {
  ops: { op: number; a: number; b: number; retain: boolean; keep: boolean }[];
  outputs: number[];
  capture: boolean;
}

const planArb: fc.Arbitrary<Plan> = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.record({
    ops: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          op: fc.integer({ min: 0, max: OPS.length - 1 }),
          a: fc.integer({ min: 0, max: i + 1 }),
          b: fc.integer({ min: 0, max: i + 1 }),
          retain: fc.boolean(),
          keep: fc.boolean(),
        })),
    ),
    outputs: fc.uniqueArray(fc.integer({ min: 2, max: n + 1 }), { minLength: 1, maxLength: 3 }),
    capture: fc.boolean(),
  })
);

interface Seen {
  grads: Float32Array[];
  values: Float32Array[];
}

/** Builds the plan's graph on two leaves, runs backward, then scribbles over the pool. */
function run(plan: Plan): Seen {
  const leaves = [randomArray(1), randomArray(2)].map((d) => new Tensor(d, { requiresGrad: true }));
  const values: Tensor[] = [...leaves];
  const kept: Tensor[] = [], retained: Tensor[] = [];
  for (const s of plan.ops) {
    const v = OPS[s.op](values[s.a], values[s.b]);
    if (s.retain) {
      v.retainGrad();
      retained.push(v);
    }
    if (s.keep) kept.push(v);
    values.push(v);
  }
  const loss = plan.outputs.map((i) => values[i].sum()).reduce((x, y) => x.add(y));
  let grads: Tensor[];
  if (plan.capture) {
    grads = gradients(loss, [...leaves, ...retained], { allowUnused: true })
      .filter((g): g is Tensor => g !== null);
  } else {
    backward(loss);
    grads = [...leaves, ...retained].map((t) => t.grad).filter((g): g is Tensor => g !== null);
  }
  scribble();
  return {
    grads: grads.map((g) => snapshot(g.data)),
    values: kept.map((v) => snapshot(v.data)),
  };
}

function withPoolLimit<T>(limit: number, fn: () => T): T {
  const before = storagePoolLimit();
  emptyStoragePool();
  setStoragePoolLimit(limit);
  try {
    return fn();
  } finally {
    emptyStoragePool();
    setStoragePoolLimit(before);
  }
}

Deno.test("reusing gradient storage changes no gradient and no value anyone holds (random graphs)", () => {
  fc.assert(
    fc.property(planArb, (plan) => {
      const off = withPoolLimit(0, () => run(plan));
      const on = withPoolLimit(512 * STORAGE_POOL_MIN_BYTES, () => run(plan));
      assert.equal(on.grads.length, off.grads.length);
      on.grads.forEach((g, i) => assertSame(g, off.grads[i], `gradient ${i}`));
      on.values.forEach((v, i) => assertSame(v, off.values[i], `kept value ${i}`));
    }),
    { numRuns: 40, seed: 7 },
  );
});

Deno.test("backward releases the gradients it consumed; createGraph releases none", () => {
  withPoolLimit(512 * STORAGE_POOL_MIN_BYTES, () => {
    const x = new Tensor(randomArray(3), { requiresGrad: true });
    const before = storagePoolStats().releases;
    // tanh → mul → tanh: each intermediate gradient is a fresh array consumed by the next vjp.
    x.tanh().mul(x).tanh().sum().backward();
    assert.ok(storagePoolStats().releases - before >= 2);
    const grad = snapshot(x.grad!.data);
    scribble();
    assertSame(snapshot(x.grad!.data), grad, "x.grad");

    const y = new Tensor(randomArray(4), { requiresGrad: true });
    const mid = storagePoolStats().releases;
    const [dy] = gradients(y.tanh().mul(y).tanh().sum(), y, { createGraph: true });
    assert.equal(storagePoolStats().releases, mid);
    assert.ok(dy !== null && dy.requiresGrad);
  });
});

Deno.test("a vjp that re-wraps the gradient's buffer in a new typed array keeps it from reuse", () => {
  // A user primitive whose gradient is a second typed array over the incoming gradient's
  // ArrayBuffer: references are counted per buffer, so the buffer stays out of the pool while the
  // re-wrapped gradient is pending.
  const rewrap: Primitive<void> = {
    name: "rewrapIdentity",
    forward: ([x]) => x.contiguous().mul(1),
    vjp: (g) => {
      const d = g.data.contiguous().data as Float32Array;
      return [
        new Tensor(NDArray.fromTyped(new Float32Array(d.buffer, d.byteOffset, d.length), g.shape)),
      ];
    },
    jvp: ([t]) => t,
  };
  const grads = (limit: number) =>
    withPoolLimit(limit, () => {
      const x = new Tensor(randomArray(5), { requiresGrad: true });
      applyPrimitive(rewrap, [x.mul(x)], undefined).tanh().sum().backward();
      return snapshot(x.grad!.data);
    });
  assertSame(grads(512 * STORAGE_POOL_MIN_BYTES), grads(0), "x.grad");
});

Deno.test("an LSTM's saved trajectory goes to the pool after backward, and stays while the graph is retained", () => {
  // hs and cs are [T+1, B, H] = N floats (the smallest pooled size), the gate activations 4N.
  const T = 31, B = 32, H = 256;
  const sizes = [N, 4 * N];
  const xg = new Tensor(randomArray(1, [T, B, 4 * H]), { requiresGrad: true });
  const whh = new Tensor(randomArray(2, [4 * H, H], 1 / 16), { requiresGrad: true });
  const h0 = new Tensor(randomArray(3, [B, H])), c0 = new Tensor(randomArray(4, [B, H]));
  /** Output and gradients of `times` backward passes through one forward. */
  const run = (times: number) => {
    xg.grad = whh.grad = null;
    const { output, c } = recurrence("lstm", xg, whh, h0, { c0 });
    const l = output.sum().add(c!.sum());
    for (let k = 0; k < times; k++) l.backward(undefined, { retainGraph: k < times - 1 });
    return [output.data, xg.grad!.data, whh.grad!.data];
  };
  const limit = storagePoolLimit();
  setStoragePoolLimit(256 * 2 ** 20);
  try {
    emptyStoragePool();
    const before = storagePoolStats().releases;
    const held = run(1);
    const first = held.map(snapshot);
    // hs, cs and the activations released by the primitive, beside the gradients the engine frees.
    assert.ok(storagePoolStats().releases - before >= 3, "the trajectory was released");
    // Nothing anyone holds lies in a released buffer: scribbling over the pool changes none of it.
    for (const n of sizes) {
      for (
        let a = takeStorage("float32", n, false);
        a !== null;
        a = takeStorage("float32", n, false)
      ) {
        a.fill(Number.NaN);
      }
    }
    held.forEach((a, k) => assertSame(snapshot(a), first[k], `held array ${k} after scribbling`));
    // Recycled trajectory buffers full of NaN are overwritten everywhere: the same bits again.
    for (const n of sizes) {
      for (let i = 0; i < 3; i++) releaseStorage(new Float32Array(n).fill(Number.NaN));
    }
    run(1).map(snapshot).forEach((a, k) => assertSame(a, first[k], `result ${k} after reuse`));
    // With retainGraph the trajectory must survive the first pass: twice the gradient, exactly.
    const twice = run(2).map(snapshot);
    assertSame(twice[1], first[1].map((v) => v + v), "xg.grad after two retained passes");
    assertSame(twice[2], first[2].map((v) => v + v), "whh.grad after two retained passes");
  } finally {
    setStoragePoolLimit(limit);
    emptyStoragePool();
  }
});
