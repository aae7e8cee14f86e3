// Bad input never crashes libnnc: malformed descriptors come back as error codes, and the backend
// turns them into RangeErrors that name the op.
import assert from "node:assert/strict";
import { NDArray, Storage } from "@nnc/tensor";
import { createNativeBackend, loadNative, type NativeSymbols, NO_THRESHOLDS } from "./mod.ts";
import { Rand } from "@nnc/tensor/conformance";

const lib = await loadNative();
const ignore = !lib.ok;
const sym = (lib.ok ? lib.symbols : undefined) as NativeSymbols;

const E_ARG = -1, E_BOUNDS = -2;
const DESC_BYTES = 128 * 8;

/** A descriptor with operand k described as the given f32 view. */
function describe(
  ops: {
    dtype?: number;
    shape: number[];
    strides?: number[];
    offset?: number;
    bytes: number;
  }[],
) {
  const d = new Float64Array(128);
  ops.forEach((o, k) => {
    const b = k * 20;
    d[b] = o.dtype ?? 0;
    d[b + 1] = o.shape.length;
    d[b + 2] = o.offset ?? 0;
    d[b + 3] = o.bytes;
    let acc = 1;
    const strides = o.strides ??
      o.shape.map((_, i) => o.shape.slice(i + 1).reduce((p, q) => p * q, 1));
    o.shape.forEach((s, i) => {
      d[b + 4 + i] = s;
      d[b + 12 + i] = strides[i];
      acc *= s;
    });
  });
  return d;
}

function lastError(): string {
  const buf = new Uint8Array(512);
  const n = sym.nnc_last_error(buf, buf.length);
  return new TextDecoder().decode(buf.subarray(0, n));
}

Deno.test(
  { name: "native: malformed descriptors return error codes", ignore },
  () => {
    const x = new Float32Array(4), out = new Float32Array(4);
    const ok = describe([{ shape: [4], bytes: 16 }, { shape: [4], bytes: 16 }]);
    assert.equal(sym.nnc_unary(ok, DESC_BYTES, out, x), 0);
    const cases: [string, Float64Array, number, number, RegExp][] = [
      ["short descriptor", ok, 64, E_ARG, /descriptor has 64 bytes/],
      [
        "dtype code",
        describe([{ dtype: 7, shape: [4], bytes: 16 }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /dtype code 7/,
      ],
      [
        "fractional dtype",
        describe([{ dtype: 0.5, shape: [4], bytes: 16 }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /dtype/,
      ],
      [
        "ndim 9",
        (() => {
          const d = ok.slice();
          d[1] = 9;
          return d;
        })(),
        DESC_BYTES,
        E_ARG,
        /ndim 9/,
      ],
      [
        "negative offset",
        describe([{ shape: [4], bytes: 16, offset: -1 }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /offset -1/,
      ],
      [
        "NaN offset",
        describe([{ shape: [4], bytes: 16, offset: NaN }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /offset nan/i,
      ],
      [
        "past the end",
        describe([{ shape: [4], bytes: 16, offset: 1 }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_BOUNDS,
        /buffer holds 4/,
      ],
      [
        "stride past the end",
        describe([{ shape: [4], bytes: 16 }, {
          shape: [4],
          strides: [2],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_BOUNDS,
        /x: view reaches/,
      ],
      [
        "negative stride below 0",
        describe([{ shape: [4], bytes: 16 }, {
          shape: [4],
          strides: [-1],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_BOUNDS,
        /reaches elements \[-3/,
      ],
      [
        "too few bytes",
        describe([{ shape: [4], bytes: 15 }, { shape: [4], bytes: 16 }]),
        DESC_BYTES,
        E_BOUNDS,
        /holds 3/,
      ],
      [
        "shape mismatch",
        describe([{ shape: [4], bytes: 16 }, { shape: [2], bytes: 16 }]),
        DESC_BYTES,
        E_ARG,
        /x has shape \[2\], expected out's shape \[4\]/,
      ],
      [
        "dtype mismatch",
        describe([{ shape: [2], bytes: 16 }, {
          dtype: 1,
          shape: [2],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /dtype float64, expected float32/,
      ],
      [
        "huge shape",
        describe([{ shape: [2 ** 30, 2 ** 30], bytes: 16 }, {
          shape: [2 ** 30, 2 ** 30],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /2\^53/,
      ],
      [
        "non-integer stride",
        describe([{ shape: [4], strides: [0.5], bytes: 16 }, {
          shape: [4],
          bytes: 16,
        }]),
        DESC_BYTES,
        E_ARG,
        /stride\[0\] = 0.5/,
      ],
    ];
    for (const [what, d, bytes, code, msg] of cases) {
      assert.equal(sym.nnc_unary(d, bytes, out, x), code, what);
      assert.match(lastError(), msg, what);
    }
    const bad = ok.slice();
    bad[80] = 99; // op code
    assert.equal(sym.nnc_unary(bad, DESC_BYTES, out, x), E_ARG);
    assert.match(lastError(), /op code/);
    // Null buffers are accepted only for empty operands.
    assert.equal(sym.nnc_unary(ok, DESC_BYTES, null, x), E_ARG);
    assert.match(lastError(), /out: buffer is null/);
    assert.equal(sym.nnc_unary(null, DESC_BYTES, out, x), E_ARG);
    const empty = describe([{ shape: [0], bytes: 0 }, {
      shape: [0],
      bytes: 0,
    }]);
    assert.equal(sym.nnc_unary(empty, DESC_BYTES, null, null), 0);
  },
);

Deno.test({ name: "native: kernel-specific argument checks", ignore }, () => {
  const f = (n: number) => new Float32Array(n);
  // reduce: repeated axis, axis out of range.
  const rd = describe([{ shape: [1, 3], bytes: 12 }, {
    shape: [2, 3],
    bytes: 24,
  }]);
  rd[80] = 0, rd[81] = 2, rd[82] = 0, rd[83] = 0;
  assert.equal(sym.nnc_reduce(rd, DESC_BYTES, f(3), f(6)), E_ARG);
  assert.match(lastError(), /axis 0 listed twice/);
  rd[81] = 1, rd[82] = 5;
  assert.equal(sym.nnc_reduce(rd, DESC_BYTES, f(3), f(6)), E_ARG);
  // matmul: inner dimensions differ.
  const mm = describe([{ shape: [2, 2], bytes: 16 }, {
    shape: [2, 3],
    bytes: 24,
  }, { shape: [2, 2], bytes: 16 }]);
  assert.equal(sym.nnc_matmul(mm, DESC_BYTES, f(4), f(6), f(4)), E_ARG);
  assert.match(lastError(), /matmul: shapes differ/);
  // gather: index out of range is a bounds error, never a stray read.
  const g = describe([{ shape: [2], bytes: 8 }, { shape: [3], bytes: 12 }, {
    dtype: 2,
    shape: [2],
    bytes: 8,
  }]);
  g[80] = 0;
  assert.equal(
    sym.nnc_gather(g, DESC_BYTES, f(2), f(3), new Int32Array([1, 3])),
    E_BOUNDS,
  );
  assert.match(lastError(), /index 3 is out of range for axis 0 of size 3/);
  assert.equal(
    sym.nnc_gather(g, DESC_BYTES, f(2), f(3), new Int32Array([-1, 0])),
    E_BOUNDS,
  );
  // scatterAdd and indexSelect likewise.
  const s = describe([{ shape: [3], bytes: 12 }, {
    dtype: 2,
    shape: [1],
    bytes: 4,
  }, { shape: [1], bytes: 4 }]);
  assert.equal(
    sym.nnc_scatter_add(s, DESC_BYTES, f(3), new Int32Array([7]), f(1)),
    E_BOUNDS,
  );
  const is = describe([{ shape: [1], bytes: 4 }, { shape: [3], bytes: 12 }, {
    dtype: 2,
    shape: [1],
    bytes: 4,
  }]);
  assert.equal(
    sym.nnc_index_select(
      is,
      DESC_BYTES,
      f(1),
      f(3),
      new Int32Array([2 ** 31 - 1]),
    ),
    E_BOUNDS,
  );
  // im2col: zero kernel, wrong out shape.
  const im = describe([{ shape: [1, 2, 3], bytes: 24 }, {
    shape: [1, 1, 4],
    bytes: 16,
  }]);
  im.set([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], 80);
  assert.equal(sym.nnc_im2col(im, DESC_BYTES, f(6), f(4)), E_ARG);
  assert.match(lastError(), /kernel size/);
  im[81] = 3;
  assert.equal(sym.nnc_im2col(im, DESC_BYTES, f(6), f(4)), E_ARG);
  assert.match(lastError(), /out must have shape \[1, 3, 2\]/);
  // pool: indices requested but null.
  const pl = describe([{ shape: [1, 1, 2], bytes: 8 }, {
    dtype: 2,
    shape: [1, 1, 2],
    bytes: 8,
  }, { shape: [1, 1, 4], bytes: 16 }]);
  pl.set([1, 2, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 80);
  assert.equal(sym.nnc_pool(pl, DESC_BYTES, f(2), null, f(4)), E_ARG);
  assert.match(lastError(), /indices: buffer is null/);
  // sort needs contiguous input.
  const so = describe([{ shape: [2], bytes: 8 }, {
    dtype: 2,
    shape: [2],
    bytes: 8,
  }, { shape: [2], strides: [2], bytes: 16 }]);
  assert.equal(
    sym.nnc_sort(so, DESC_BYTES, f(2), new Int32Array(2), f(4)),
    E_ARG,
  );
  assert.match(lastError(), /sort: x must be contiguous/);
  // linear algebra: non-square input.
  const ch = describe([{ shape: [2, 3], bytes: 24 }, {
    shape: [2, 3],
    bytes: 24,
  }]);
  assert.equal(sym.nnc_cholesky(ch, DESC_BYTES, f(6), f(6)), E_ARG);
  assert.match(lastError(), /cholesky: a must be \[..., n, n\]/);
});

Deno.test({
  name: "native: the backend turns error codes into RangeErrors naming the op",
  ignore,
}, () => {
  const nb = createNativeBackend(sym, NO_THRESHOLDS);
  const x = NDArray.fromTyped(new Float32Array([1, 2, 3]), [3]);
  const out = NDArray.fromTyped(new Float32Array(2), [2]);
  assert.throws(
    () => nb.gather(out, x, 0, NDArray.fromTyped(new Int32Array([0, 5]), [2])),
    (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.match(
        e.message,
        /^native gather: gather: index 5 is out of range for axis 0 of size 3$/,
      );
      return true;
    },
  );
  // A view that claims more elements than its storage holds.
  const lying = new NDArray(new Storage(new Float32Array(2)), [3]);
  assert.throws(
    () => nb.copy(NDArray.fromTyped(new Float32Array(3), [3]), lying),
    /native copy: copy: x: view reaches elements \[0, 2\]/,
  );
});

Deno.test(
  { name: "native: random garbage descriptors never crash", ignore },
  () => {
    const r = new Rand(99);
    const kernels = [
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_copy(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_unary(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_binary(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_where(d, DESC_BYTES, b[0], b[1], b[2], b[3]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_reduce(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_arg_reduce(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_matmul(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_softmax(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_cumulative(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_sort(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_gather(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_scatter_add(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_index_select(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_im2col(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_col2im(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_pool(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_cholesky(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_lu(d, DESC_BYTES, b[0], b[1]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_solve(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_qr(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_eigh(d, DESC_BYTES, b[0], b[1], b[2]),
      (d: Float64Array, b: Uint8Array[]) => sym.nnc_svd(d, DESC_BYTES, b[0], b[1], b[2], b[3]),
    ];
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const bufs = [0, 1, 2, 3].map(() => new Uint8Array(8 * r.int(0, 40)));
      // Fill buffers with small integers (valid indices sometimes) as int32 words.
      for (const b of bufs) {
        const w = new Int32Array(b.buffer);
        for (let j = 0; j < w.length; j++) w[j] = r.int(-1, 3);
      }
      const d = new Float64Array(128);
      // Half the descriptors are plausible (one shared small shape, row-major strides) so that many
      // pass validation and run; the rest are noise.
      const plausible = r.chance(0.5);
      const shape = r.shape(r.int(1, 3), 1, 3);
      for (let k = 0; k < 4; k++) {
        const base = k * 20;
        d[base] = plausible ? r.pick([0, 0, 1, 2]) : r.int(-1, 3);
        const nd = plausible ? shape.length : r.int(0, 4);
        d[base + 1] = r.chance(0.02) ? r.pick([9, -1, 0.5, NaN]) : nd;
        d[base + 2] = plausible ? 0 : r.int(-1, 3);
        d[base + 3] = r.chance(0.9) ? bufs[k].byteLength : r.int(0, bufs[k].byteLength);
        let acc = 1;
        for (let j = 7; j >= 0; j--) {
          const s = plausible ? (j < nd ? shape[j] : 1) : r.int(0, 3);
          d[base + 4 + j] = s;
          d[base + 12 + j] = plausible ? acc : r.int(-3, 3);
          if (plausible && j < nd) acc *= s;
        }
      }
      for (let j = 80; j < 128; j++) d[j] = r.int(-1, 3);
      const rc = kernels[r.int(0, kernels.length - 1)](d, bufs);
      assert.ok(Number.isInteger(rc) && rc >= -6, `return code ${rc}`);
      if (rc >= 0) accepted++;
    }
    // Some garbage is valid and runs a kernel to completion: the checks are not simply rejecting all.
    assert.ok(accepted > 300, `only ${accepted} accepted`);
  },
);

Deno.test({ name: "native: optimiser steps reject short buffers and bad counts", ignore }, () => {
  const x = new Float32Array(8), g = new Float32Array(8), m = new Float32Array(4);
  const c = new Float64Array(16);
  c[0] = 8;
  c[1] = x.byteLength;
  c[2] = g.byteLength;
  c[3] = m.byteLength; // the momentum buffer holds 4 of the 8 elements
  assert.equal(sym.nnc_sgd_step(c, c.byteLength, 0, x, g, m), E_BOUNDS);
  c[0] = 2.5;
  assert.equal(sym.nnc_sgd_step(c, c.byteLength, 0, x, g, null), E_ARG);
  c[0] = 8;
  assert.equal(sym.nnc_sgd_step(c, 8, 0, x, g, null), E_ARG, "coefficient array too short");
  assert.equal(sym.nnc_adam_step(c, c.byteLength, 2, x, g, m, m, null), -3, "int32 is unsupported");
  assert.equal(sym.nnc_adam_step(c, c.byteLength, 0, x, g, null, m, null), E_ARG, "m is required");
});

Deno.test({
  name: "native: the flat-buffer loss and activation gradient reject what the optimisers reject",
  ignore,
}, () => {
  const f = () => new Float32Array(8);
  const [loss, grad, x, y] = [f(), f(), f(), f()];
  const c = new Float64Array([8, 32, 32, 32, 32]);
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 0, loss, grad, x, y), 0);
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, 32, 0, loss, grad, x, y), E_ARG, "4 of 5 doubles");
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 2, loss, grad, x, y), -3, "int32");
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 0, loss, null, x, y), E_ARG);
  c[3] = 28; // x holds 7 of the 8 elements
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 0, loss, grad, x, y), E_BOUNDS);
  c.set([-1, 32, 32, 32, 32]);
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 0, loss, grad, x, y), E_ARG);
  c.set([0, 0, 0, 0, 0]); // nothing to do: empty arrays may arrive as null pointers
  assert.equal(sym.nnc_sigmoid_ce_with_grad(c, c.byteLength, 0, null, null, null, null), 0);

  const a = new Float64Array([8, 32, 32, 32, Number.NaN]);
  assert.equal(sym.nnc_activation_grad(a, 32, 0, 0, loss, grad, y), 0, "relu needs 4 doubles");
  assert.equal(sym.nnc_activation_grad(a, 32, 0, 3, loss, grad, y), E_ARG, "leaky relu needs 5");
  assert.equal(sym.nnc_activation_grad(a, a.byteLength, 0, 3, loss, grad, y), E_ARG, "NaN slope");
  assert.equal(sym.nnc_activation_grad(a, a.byteLength, 0, 4, loss, grad, y), E_ARG, "op 4");
  assert.equal(sym.nnc_activation_grad(a, a.byteLength, 0, 1, loss, null, y), E_ARG);
  a[2] = 16;
  assert.equal(sym.nnc_activation_grad(a, a.byteLength, 0, 1, loss, grad, y), E_BOUNDS);
});

Deno.test({
  name: "native: attention rejects short buffers, bad sizes and views out of range",
  ignore,
}, () => {
  // N = 1, H = 1, Lq = 2, Lk = 3, D = 4, Dv = 2, scale 0.5, not causal; contiguous views.
  const c = new Float64Array(8 + 6 * 10);
  c.set([1, 1, 2, 3, 4, 2, 0.5, 0]);
  const f = (len: number) => new Float32Array(len);
  const slot = (i: number, a: Float32Array | null, rows = 0, cols = 0) =>
    c.set(
      a === null ? [0, 0, 0, 0, 0, 0] : [a.byteLength, 0, rows * cols, rows * cols, cols, 1],
      8 + 6 * i,
    );
  const out = f(4), lse = f(2), q = f(8), k = f(12), v = f(6);
  const forward = (mask: Float32Array | null = null) =>
    sym.nnc_attention(c, c.byteLength, 0, out, lse, q, k, v, mask);
  slot(0, out, 2, 2);
  slot(1, lse, 2, 1);
  slot(2, q, 2, 4);
  slot(3, k, 3, 4);
  slot(4, v, 3, 2);
  slot(5, null);
  assert.equal(forward(), 0);
  assert.equal(sym.nnc_attention(c, c.byteLength, 2, out, lse, q, k, v, null), -3, "int32");
  assert.equal(sym.nnc_attention(c, 64, 0, out, lse, q, k, v, null), E_ARG, "c too short");
  c[8 + 6 * 3] = 44; // k claims 11 of its 12 floats
  assert.equal(forward(), E_BOUNDS);
  slot(3, k, 3, 4);
  c[8 + 6 * 2 + 5] = 2; // q with a column stride of 2
  assert.equal(forward(), E_ARG);
  slot(2, q, 2, 4);
  c[3] = 2.5;
  assert.equal(forward(), E_ARG, "Lk 2.5");
  c[3] = 3;
  c[7] = 2;
  assert.equal(forward(), E_ARG, "causal 2");
  c[7] = 0;
  // A [2, 3] mask read with strides (0, 0, 3, 1) from offset 1 runs one past its 6 elements.
  const mask = f(6);
  c.set([mask.byteLength, 1, 0, 0, 3, 1], 8 + 6 * 5);
  assert.equal(forward(mask), E_BOUNDS);
  c[8 + 6 * 5 + 1] = 0;
  assert.equal(forward(mask), 0);
  c[8 + 6 * 5 + 5] = -1; // reversed keys from offset 0 reach element -2
  assert.equal(forward(mask), E_BOUNDS);
  const dq = f(8), dk = f(12), dv = f(6), dout = f(4);
  slot(0, dq, 2, 4);
  slot(1, dk, 3, 4);
  slot(2, dv, 3, 2);
  slot(3, q, 2, 4);
  slot(4, k, 3, 4);
  slot(5, v, 3, 2);
  slot(6, null);
  slot(7, out, 2, 2);
  slot(8, lse, 2, 1);
  slot(9, dout, 2, 2);
  const backward = () =>
    sym.nnc_attention_backward(c, c.byteLength, 0, dq, dk, dv, q, k, v, null, out, lse, dout);
  assert.equal(backward(), 0);
  c[8 + 6 * 9] = 8; // dout claims 2 elements of 4
  assert.equal(backward(), E_BOUNDS);
});

Deno.test({ name: "native: layer norm rejects short buffers and bad sizes", ignore }, () => {
  const c = new Float64Array(11);
  const x = new Float32Array(6), out = new Float32Array(6), mean = new Float32Array(2);
  const rstd = new Float32Array(2), w = new Float32Array(3);
  c.set([2, 3, 1e-5, 24, 8, 8, 24, 12, 0]);
  assert.equal(sym.nnc_layer_norm(c, c.byteLength, 0, out, mean, rstd, x, w, null), 0);
  assert.equal(sym.nnc_layer_norm(c, c.byteLength, 2, out, mean, rstd, x, w, null), -3, "int32");
  c[7] = 8; // the weight claims 2 of its 3 floats
  assert.equal(sym.nnc_layer_norm(c, c.byteLength, 0, out, mean, rstd, x, w, null), E_BOUNDS);
  c[7] = 12;
  c[1] = 3.5;
  assert.equal(sym.nnc_layer_norm(c, c.byteLength, 0, out, mean, rstd, x, w, null), E_ARG);
  c[1] = 3;
  c[2] = -1;
  assert.equal(sym.nnc_layer_norm(c, c.byteLength, 0, out, mean, rstd, x, w, null), E_ARG, "eps");
  assert.equal(sym.nnc_layer_norm(c, 16, 0, out, mean, rstd, x, w, null), E_ARG, "c too short");
});
