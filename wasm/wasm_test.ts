// What is particular to the WebAssembly backend: both GEMM kernels, out-of-memory as a RangeError,
// operands already in linear memory, aliasing, the JS fallback of every Backend method, and loading
// with no permissions at all.
import assert from "node:assert/strict";
import {
  type Backend,
  NDArray,
  referenceBackend,
  registerBackend,
  Storage,
  useBackend,
} from "@nnc/tensor";
import {
  createWasmBackend,
  loadWasm,
  WASM_NO_THRESHOLDS,
  WASM_THRESHOLDS,
  wasmInfo,
} from "./mod.ts";
import { diff, layout, Rand, randomView, tolFor, twin } from "@nnc/tensor/conformance";

const lib = await loadWasm();
const ignore = !lib.ok;
const ref = referenceBackend();

function f32(shape: number[], r: Rand): NDArray {
  const n = shape.reduce((p, q) => p * q, 1);
  return new NDArray(new Storage(Float32Array.from({ length: n }, () => r.next() * 2 - 1)), shape);
}

Deno.test(
  { name: "wasm: the simd128 GEMM kernel matches JS (no relaxed SIMD)", ignore },
  async () => {
    const plain = await loadWasm({ relaxedSimd: false });
    assert.ok(plain.ok);
    assert.equal(plain.kernels.relaxedSimd, false);
    const b = createWasmBackend(plain.kernels, WASM_NO_THRESHOLDS);
    const r = new Rand(31);
    for (let i = 0; i < 120; i++) {
      const dtype = r.pick(["float32", "float64"] as const);
      const big = r.chance(0.2);
      const [M, K, N] = [0, 0, 0].map(() => (big ? r.int(60, 300) : r.int(1, 20)));
      const a = randomView(r, dtype, [M, K]), bb = randomView(r, dtype, [K, N]);
      const out = randomView(r, dtype, [M, N], { contiguous: true }), o2 = twin(out);
      b.matmul(out, a, bb);
      ref.matmul(o2, a, bb);
      const d = diff(out.data, o2.data, tolFor(dtype, Math.max(1, K / 10)));
      assert.equal(d, null, `matmul ${M}×${K}×${N}: ${d}\na ${layout(a)} b ${layout(bb)}`);
    }
  },
);

Deno.test({ name: "wasm: the default instance reports its configuration", ignore }, () => {
  assert.ok(lib.ok);
  const before = wasmInfo();
  // wasmInfo describes the registered instance (mod.ts registers it on import).
  assert.equal(before.available, true);
  assert.equal(before.simd, "simd128");
  assert.equal(before.threads, 1);
  assert.equal(before.blas, "builtin");
  assert.deepEqual(before.gemmTile?.f32, [before.relaxedSimd ? 6 : 4, 8]);
  assert.deepEqual(before.gemmTile?.f64, [4, 4]);
  assert.equal(before.maxMemoryBytes, 2 ** 32);
});

Deno.test(
  { name: "wasm: operands larger than memory can grow to are a RangeError", ignore },
  async () => {
    const small = await loadWasm({ maxMemoryBytes: 8 * 2 ** 20 });
    assert.ok(small.ok);
    assert.equal(small.kernels.maxMemoryBytes, 8 * 2 ** 20);
    const b = createWasmBackend(small.kernels, WASM_NO_THRESHOLDS);
    const r = new Rand(32);
    const a = f32([1024, 1024], r), c = f32([1024, 1024], r), out = f32([1024, 1024], r);
    assert.throws(
      () => b.matmul(out, a, c),
      (e: unknown) =>
        e instanceof RangeError && /wasm matmul: the operands need 12\.0 MiB/.test(e.message) &&
        /8\.0 MiB at most/.test(e.message),
    );
    // The instance is still usable afterwards.
    const x = f32([64, 64], r), y = f32([64, 64], r), o1 = f32([64, 64], r), o2 = twin(o1);
    b.matmul(o1, x, y);
    ref.matmul(o2, x, y);
    assert.equal(diff(o1.data, o2.data, tolFor("float32", 10)), null);
    // Every kernel takes the same path: an elementwise op, a reduction.
    const big = f32([2048, 2048], r), bigOut = f32([2048, 2048], r);
    assert.throws(() => b.unary("exp", bigOut, big), RangeError);
    assert.throws(() => b.reduce("sum", f32([1, 1], r), big, [0, 1]), RangeError);
  },
);

Deno.test({ name: "wasm: loadWasm checks maxMemoryBytes", ignore }, async () => {
  await assert.rejects(() => loadWasm({ maxMemoryBytes: 1024 }), RangeError);
  await assert.rejects(() => loadWasm({ maxMemoryBytes: NaN }), /maxMemoryBytes must be a number/);
});

Deno.test({ name: "wasm: arrays already in linear memory are used in place", ignore }, () => {
  assert.ok(lib.ok);
  const { exports, memory } = lib.kernels;
  const b = createWasmBackend(lib.kernels, WASM_NO_THRESHOLDS);
  // Grow memory first (arena, packing buffers), then place the operands: growth detaches views.
  const r = new Rand(33);
  b.matmul(f32([96, 96], r), f32([96, 96], r), f32([96, 96], r));
  exports.nnc_wasm_free(exports.nnc_wasm_alloc(8 * 2 ** 20));
  const n = 96 * 96;
  const ptrs = [0, 1, 2].map(() => exports.nnc_wasm_alloc(n * 4));
  const [A, B, C] = ptrs.map((p) =>
    new NDArray(new Storage(new Float32Array(memory.buffer, p, n)), [96, 96])
  );
  A.data.set(f32([96, 96], r).data);
  B.data.set(f32([96, 96], r).data);
  const want = f32([96, 96], r);
  ref.matmul(want, A, B.transpose());
  b.matmul(C, A, B.transpose());
  assert.equal(diff(C.data, want.data, tolFor("float32", 10)), null);
  for (const p of ptrs) exports.nnc_wasm_free(p);
});

Deno.test({ name: "wasm: an output that is also an input (in place)", ignore }, () => {
  assert.ok(lib.ok);
  const b = createWasmBackend(lib.kernels, WASM_NO_THRESHOLDS);
  const r = new Rand(34);
  const x = f32([3000], r), y = f32([3000], r), want = twin(x);
  ref.binary("mul", want, want, y);
  b.binary("mul", x, x, y);
  assert.deepEqual([...x.data], [...want.data]);
  // A strided output keeps the elements between its own.
  const base = f32([20, 20], r), view = base.transpose().slice(null, { step: 2 });
  const base2 = twin(base), view2 = base2.transpose().slice(null, { step: 2 });
  const src = f32([20, 10], r);
  b.copy(view, src);
  ref.copy(view2, src);
  assert.deepEqual([...base.data], [...base2.data]);
});

Deno.test(
  { name: "wasm: outputs interleaved in one buffer (packed attention heads)", ignore },
  () => {
    assert.ok(lib.ok);
    const b = createWasmBackend(lib.kernels, WASM_NO_THRESHOLDS);
    const r = new Rand(36);
    const [N, L, H, D] = [2, 5, 2, 4];
    // q, k, v (and dq, dk, dv) are the three interleaved heads of one [N, L, 3, H, D] buffer.
    const heads = (buf: NDArray) =>
      [0, 1, 2].map((i) =>
        new NDArray(buf.storage, [N, H, L, D], [L * 3 * H * D, D, 3 * H * D, 1], i * H * D)
      );
    const packed = f32([N, L, 3, H, D], r), grads = f32([N, L, 3, H, D], r), grads2 = twin(grads);
    const [q, k, v] = heads(packed);
    const out = f32([N, H, L, D], r), lse = f32([N, H, L], r), dout = f32([N, H, L, D], r);
    const p = { scale: 0.5, causal: true };
    const [o2, l2] = [twin(out), twin(lse)];
    b.attention(out, lse, q, k, v, null, p);
    ref.attention(o2, l2, q, k, v, null, p);
    assert.equal(diff(out.data, o2.data, tolFor("float32", 10)), null);
    const [dq, dk, dv] = heads(grads), [dq2, dk2, dv2] = heads(grads2);
    b.attentionBackward(dq, dk, dv, q, k, v, null, o2, l2, dout, p);
    ref.attentionBackward(dq2, dk2, dv2, q, k, v, null, o2, l2, dout, p);
    assert.equal(diff(grads.data, grads2.data, tolFor("float32", 10)), null);
  },
);

Deno.test(
  { name: "wasm: every Backend method exists, the ones without a Wasm kernel are JS's" },
  () => {
    if (!lib.ok) return;
    const b = createWasmBackend(lib.kernels);
    assert.equal(b.name, "wasm");
    for (const key of Object.keys(ref) as (keyof Backend)[]) {
      if (key === "name") continue;
      assert.equal(typeof b[key], "function", `wasm backend lacks ${key}`);
    }
    // No LAPACK in WebAssembly: linear algebra is the JS backend's own code.
    for (const key of ["cholesky", "lu", "solve", "qr", "eigh", "svd"] as const) {
      assert.equal(b[key], ref[key], key);
    }
  },
);

Deno.test({ name: "wasm: thresholds keep small inputs on the JS kernels", ignore }, () => {
  assert.ok(lib.ok);
  // A backend over an instance whose kernels all throw: any call that reaches Wasm fails.
  const trap = new Proxy({}, {
    get: (_, k) =>
      k === "nnc_wasm_alloc" ? lib.kernels.exports.nnc_wasm_alloc : () => {
        throw new Error(`reached Wasm: ${String(k)}`);
      },
  });
  const b = createWasmBackend({ ...lib.kernels, exports: trap }, WASM_THRESHOLDS);
  const r = new Rand(35);
  const x = f32([8, 8], r), y = f32([8, 8], r), out = f32([8, 8], r);
  b.binary("add", out, x, y);
  b.unary("relu", out, x);
  b.matmul(out, f32([8, 1], r), f32([1, 8], r)); // 64 multiply-adds < 512
  b.sgdStep(x, y, null, {
    lr: 0.1,
    weightDecay: 0,
    sign: 1,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    first: true,
  });
  const big = f32([64, 64], r);
  assert.throws(() => b.matmul(f32([64, 64], r), big, big), /reached Wasm: nnc_matmul/);
  // tanh is always the JS kernel (faster than wasi-libc's at every size measured).
  b.unary("tanh", f32([64, 64], r), big);
  // So is a view far sparser than the storage it spans, whatever the thresholds.
  const sparse = createWasmBackend({ ...lib.kernels, exports: trap }, WASM_NO_THRESHOLDS);
  const every1000th = f32([400, 1000], r).slice(null, 0);
  const got = f32([400], r), want = twin(got);
  sparse.unary("exp", got, every1000th);
  ref.unary("exp", want, every1000th);
  assert.deepEqual([...got.data], [...want.data]);
});

Deno.test(
  { name: "wasm: registers as a backend and computes through the public ops", ignore },
  async () => {
    await import("./mod.ts");
    const { array, matmul } = await import("@nnc/tensor");
    assert.ok(lib.ok);
    registerBackend({ ...createWasmBackend(lib.kernels, WASM_NO_THRESHOLDS), name: "wasm-test" });
    try {
      useBackend("wasm-test");
      assert.deepEqual(matmul(array([[1, 2], [3, 4]]), array([[5], [6]])).toArray(), [[17], [39]]);
      useBackend("wasm");
    } finally {
      useBackend("js");
    }
  },
);

Deno.test({
  name: "wasm: NNC_BACKEND=wasm computes in a Deno process without --allow-ffi",
  ignore,
}, async () => {
  const script = `
    import "@nnc/wasm";
    import { getBackend, array } from "@nnc/tensor";
    const ffi = await Deno.permissions.query({ name: "ffi" });
    const x = array([[1, 2], [3, 4]]);
    console.log(JSON.stringify({ backend: getBackend().name, ffi: ffi.state, y: x.matmul(x).toArray() }));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-env=NNC_BACKEND", "-"],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NNC_BACKEND: "wasm", NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const { code, stdout, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  const out = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").pop()!);
  assert.deepEqual(out, { backend: "wasm", ffi: "prompt", y: [[7, 10], [15, 22]] });
});
