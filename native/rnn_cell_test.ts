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
