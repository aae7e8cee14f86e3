// The recurrent-cell cases of backendConformanceTests (conformance.ts): the fused LSTM/GRU cell
// kernels against the JS oracle on random batch sizes, hidden sizes, dtypes, offsets and values
// (including saturated gates).
import * as assert from "./_conformance_assert.ts";
import { type Backend, type DType, NDArray, referenceBackend, Storage } from "./mod.ts";
import { diff, fillRandom, Rand, type Tol } from "./backend_fuzz.ts";

/** Registers the cases on `nb` (see backendConformanceTests). */
export function registerRnnCellCases(nb: Backend, label: string, ignore: boolean): void {
  const ref = referenceBackend();

  /** A contiguous `[rows, cols]` array at a random offset in a larger random buffer. */
  function buffer(r: Rand, dtype: DType, rows: number, cols: number, scale = 3): NDArray {
    const n = rows * cols, offset = r.int(0, 3);
    const data = dtype === "float32"
      ? new Float32Array(offset + n + r.int(0, 3))
      : new Float64Array(offset + n + r.int(0, 3));
    fillRandom(r, data, { scale });
    return new NDArray(new Storage(data), [rows, cols], [cols, 1], offset);
  }

  function copyOf(a: NDArray): NDArray {
    return new NDArray(new Storage(a.data.slice()), a.shape, a.strides, a.offset);
  }

  // exp and tanh come from libm/libmvec in C and from V8 in JS: a few ulp apart.
  const tol = (dtype: DType): Tol =>
    dtype === "float32" ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-14 };

  function check(what: string, got: NDArray, want: NDArray, dtype: DType, ctx: string): void {
    const d = diff(got.data, want.data, tol(dtype));
    if (d !== null) assert.fail(`${what}: ${d} (${ctx})`);
  }

  function shape(r: Rand): [number, number] {
    // Large cases run on two threads of a pool (grow a Wasm operand arena).
    return r.chance(0.1) ? [r.int(32, 64), r.int(200, 300)] : [r.int(1, 9), r.int(1, 17)];
  }

  Deno.test(
    { name: `${label} matches JS: lstmCell and lstmCellBackward (200 cases)`, ignore },
    () => {
      const r = new Rand(41);
      for (let k = 0; k < 200; k++) {
        const dtype: DType = r.pick(["float32", "float64"]);
        const [B, H] = shape(r), scale = r.pick([1, 3, 40]);
        const ctx = `case ${k}: ${dtype} B ${B} H ${H} scale ${scale}`;
        const xg = buffer(r, dtype, B, 4 * H, scale), hg = buffer(r, dtype, B, 4 * H, scale);
        const cPrev = buffer(r, dtype, B, H, scale);
        const outs =
          () => [buffer(r, dtype, B, H), buffer(r, dtype, B, H), buffer(r, dtype, B, 4 * H)];
        const [h, c, act] = outs(), [h2, c2, act2] = [h, c, act].map(copyOf);
        nb.lstmCell(h, c, act, xg, hg, cPrev);
        ref.lstmCell(h2, c2, act2, xg, hg, cPrev);
        check("lstmCell h", h, h2, dtype, ctx);
        check("lstmCell c", c, c2, dtype, ctx);
        check("lstmCell act", act, act2, dtype, ctx);
        const dh = buffer(r, dtype, B, H), dc = buffer(r, dtype, B, H);
        const dg = buffer(r, dtype, B, 4 * H), dcp = buffer(r, dtype, B, H);
        const [dg2, dcp2] = [dg, dcp].map(copyOf);
        nb.lstmCellBackward(dg, dcp, act2, c2, cPrev, dh, dc);
        ref.lstmCellBackward(dg2, dcp2, act2, c2, cPrev, dh, dc);
        check("lstmCellBackward dGates", dg, dg2, dtype, ctx);
        check("lstmCellBackward dcPrev", dcp, dcp2, dtype, ctx);
      }
    },
  );

  Deno.test(
    { name: `${label} matches JS: gruCell and gruCellBackward (200 cases)`, ignore },
    () => {
      const r = new Rand(42);
      for (let k = 0; k < 200; k++) {
        const dtype: DType = r.pick(["float32", "float64"]);
        const [B, H] = shape(r), scale = r.pick([1, 3, 40]);
        const bias = r.chance(0.7);
        const ctx = `case ${k}: ${dtype} B ${B} H ${H} scale ${scale} bias ${bias}`;
        const xg = buffer(r, dtype, B, 3 * H, scale), hg = buffer(r, dtype, B, 3 * H, scale);
        const bhh = bias ? buffer(r, dtype, 1, 3 * H).reshape(3 * H) : null;
        const hPrev = buffer(r, dtype, B, H);
        const h = buffer(r, dtype, B, H), act = buffer(r, dtype, B, 4 * H);
        const [h2, act2] = [h, act].map(copyOf);
        nb.gruCell(h, act, xg, hg, bhh, hPrev);
        ref.gruCell(h2, act2, xg, hg, bhh, hPrev);
        check("gruCell h", h, h2, dtype, ctx);
        check("gruCell act", act, act2, dtype, ctx);
        const dh = buffer(r, dtype, B, H);
        const dx = buffer(r, dtype, B, 3 * H),
          dhg = buffer(r, dtype, B, 3 * H),
          dp = buffer(r, dtype, B, H);
        const [dx2, dhg2, dp2] = [dx, dhg, dp].map(copyOf);
        nb.gruCellBackward(dx, dhg, dp, act2, hPrev, dh);
        ref.gruCellBackward(dx2, dhg2, dp2, act2, hPrev, dh);
        check("gruCellBackward dxg", dx, dx2, dtype, ctx);
        check("gruCellBackward dhg", dhg, dhg2, dtype, ctx);
        check("gruCellBackward dhPrev", dp, dp2, dtype, ctx);
      }
    },
  );
}
