// The native fused LSTM/GRU cell kernels' argument checks, called through FFI (their results
// against the JS oracle are in @nnc/tensor's conformance suite, native_backend_test.ts).
import assert from "node:assert/strict";
import { loadNative } from "./mod.ts";

const lib = await loadNative();
const ignore = !lib.ok;
if (!lib.ok) console.warn(`native tests skipped: ${lib.reason}`);

Deno.test(
  { name: "native cell kernels check their arguments and return error codes", ignore },
  () => {
    if (!lib.ok) return;
    const sym = lib.symbols;
    const B = 2, H = 3;
    const f = (n: number) => new Float32Array(n);
    const h = f(B * H), c = f(B * H), act = f(4 * B * H), xg = f(4 * B * H), hg = f(4 * B * H);
    const coeff = new Float64Array([
      B,
      H,
      h.byteLength,
      c.byteLength,
      act.byteLength,
      xg.byteLength,
      hg.byteLength,
      c.byteLength,
    ]);
    assert.equal(sym.nnc_lstm_cell(coeff, coeff.byteLength, 0, h, c, act, xg, hg, c), 0);
    coeff[6] = 8; // hg claims 2 floats
    assert.equal(sym.nnc_lstm_cell(coeff, coeff.byteLength, 0, h, c, act, xg, hg, c), -2);
    coeff[6] = hg.byteLength;
    coeff[1] = 2.5;
    assert.equal(sym.nnc_lstm_cell(coeff, coeff.byteLength, 0, h, c, act, xg, hg, c), -1);
    coeff[1] = H;
    assert.equal(
      sym.nnc_lstm_cell(coeff, 16, 0, h, c, act, xg, hg, c),
      -1,
      "coefficients too short",
    );
    assert.equal(sym.nnc_lstm_cell(coeff, coeff.byteLength, 2, h, c, act, xg, hg, c), -3, "int32");
    assert.equal(
      sym.nnc_lstm_cell(coeff, coeff.byteLength, 0, h, c, act, null, hg, c),
      -1,
      "xg is required",
    );
    // GRU: bhh may be null (byte length 0), the other buffers may not.
    const g3 = f(3 * B * H);
    const gc = new Float64Array([
      B,
      H,
      h.byteLength,
      act.byteLength,
      g3.byteLength,
      g3.byteLength,
      0,
      h.byteLength,
    ]);
    assert.equal(sym.nnc_gru_cell(gc, gc.byteLength, 0, h, act, g3, g3, null, h), 0);
    gc[6] = 4; // a bias of one float for 3H = 9
    assert.equal(sym.nnc_gru_cell(gc, gc.byteLength, 0, h, act, g3, g3, f(1), h), -2);
  },
);

Deno.test(
  {
    name: "native whole-sequence LSTM kernels check their arguments and return error codes",
    ignore,
  },
  () => {
    if (!lib.ok) return;
    const sym = lib.symbols;
    const T = 3, B = 2, H = 3, G = 4 * H;
    const f = (n: number) => new Float32Array(n);
    const hs = f((T + 1) * B * H), cs = f((T + 1) * B * H), act = f(T * B * G);
    const xg = f(T * B * G), whh = f(G * H);
    const bytes = [hs, cs, act, xg, whh].map((a) => a.byteLength);
    const coeff = new Float64Array([T, B, H, 0, ...bytes]);
    const run = (c = coeff, len = c.byteLength, dtype = 0, x: Float32Array | null = xg) =>
      sym.nnc_lstm_sequence(c, len, dtype, hs, cs, act, x, whh);
    assert.equal(run(), 0);
    coeff[3] = 1;
    assert.equal(run(), 0, "reversed");
    coeff[3] = 0.5;
    assert.equal(run(), -1, "reverse must be 0 or 1");
    coeff[3] = 0;
    coeff[8] = whh.byteLength - 4; // W_hh one float short
    assert.equal(run(), -2);
    coeff[8] = whh.byteLength;
    coeff[0] = 0;
    assert.equal(run(), -1, "T = 0");
    coeff[0] = 2 ** 21;
    assert.equal(run(), -3, "T past 2^20 is left to the step loop");
    coeff[0] = T;
    assert.equal(run(coeff, 32), -1, "coefficients too short");
    assert.equal(run(coeff, coeff.byteLength, 1), -3, "float64 is left to the step loop");
    assert.equal(run(coeff, coeff.byteLength, 0, null), -1, "xg is required");

    const dgh = f(T * B * G), dh0 = f(B * H), dc0 = f(B * H), dy = f((T + 2) * B * H);
    const back = new Float64Array([
      T,
      B,
      H,
      1,
      ...[dgh, dh0, dc0, dy, act, cs, whh].map((a) => a.byteLength),
    ]);
    const runBack = () =>
      sym.nnc_lstm_sequence_backward(back, back.byteLength, 0, dgh, dh0, dc0, dy, act, cs, whh);
    assert.equal(runBack(), 0);
    back[7] = dy.byteLength - 4; // dy lacks the gradient of c_T's last element
    assert.equal(runBack(), -2);
    back[7] = dy.byteLength;
    back[2] = 1.5;
    assert.equal(runBack(), -1, "H must be an integer");
  },
);
