// The recurrent-cell cases of backendConformanceTests (conformance.ts): the fused LSTM/GRU cell
// kernels against the JS oracle on random batch sizes, hidden sizes, dtypes, offsets and values
// (including saturated gates), and a backend's whole-sequence LSTM (lstmSequence, when it has one)
// against the per-step loop of the JS oracle's matmul and lstmCell.
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

  /** A contiguous random `[T, B, W]` array (`scale` as {@link buffer}). */
  function blocks(r: Rand, T: number, B: number, W: number, scale = 1): NDArray {
    const data = new Float32Array(T * B * W);
    fillRandom(r, data, { scale });
    return new NDArray(new Storage(data), [T, B, W], [B * W, W, 1], 0);
  }

  const step = (a: NDArray, k: number): NDArray => {
    const [, B, W] = a.shape;
    return new NDArray(a.storage, [B, W], [W, 1], a.offset + k * B * W);
  };

  /** The per-step forward of autograd's recurrence on the JS oracle (no padding). */
  function sequenceSteps(
    hs: NDArray,
    cs: NDArray,
    act: NDArray,
    xg: NDArray,
    whh: NDArray,
    reverse: boolean,
  ): void {
    const [T, B, G] = xg.shape;
    const hg = new NDArray(new Storage(new Float32Array(B * G)), [B, G]);
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      ref.matmul(hg, step(hs, k), whh.transpose());
      ref.lstmCell(step(hs, k + 1), step(cs, k + 1), step(act, k), step(xg, t), hg, step(cs, k));
    }
  }

  /** The per-step backward of autograd's recurrence on the JS oracle; returns [dh0, dc0]. */
  function sequenceStepsBackward(
    dgh: NDArray,
    dy: NDArray,
    act: NDArray,
    cs: NDArray,
    whh: NDArray,
    reverse: boolean,
  ): [NDArray, NDArray] {
    const [T, B, G] = dgh.shape, H = G / 4;
    const arr = () => new NDArray(new Storage(new Float32Array(B * H)), [B, H]);
    const own = (k: number) => {
      const x = arr();
      x.data.set(dy.data.subarray(k * B * H, (k + 1) * B * H));
      return x;
    };
    let dh = own(T), dc = own(T + 1), dcPrev = arr(), next = arr();
    const tot = arr();
    for (let k = T - 1; k >= 0; k--) {
      const t = reverse ? T - 1 - k : k;
      ref.binary("add", tot, dh, step(dy, t));
      ref.lstmCellBackward(
        step(dgh, k),
        dcPrev,
        step(act, k),
        step(cs, k + 1),
        step(cs, k),
        tot,
        dc,
      );
      [dc, dcPrev] = [dcPrev, dc];
      ref.matmul(next, step(dgh, k), whh);
      [dh, next] = [next, dh];
    }
    return [dh, dc];
  }

  // Registered only for backends that have the optional whole-sequence kernels.
  if (nb.lstmSequence === undefined || nb.lstmSequenceBackward === undefined) return;
  Deno.test(
    {
      name:
        `${label} matches JS: lstmSequence and lstmSequenceBackward against the step loop (60 cases)`,
      ignore,
    },
    () => {
      const r = new Rand(43);
      // Sums of up to 4H products in another order than the oracle's, carried through T steps.
      const seqTol: Tol = { rtol: 1e-4, atol: 2e-5 };
      const close = (what: string, got: NDArray, want: NDArray, ctx: string) => {
        const d = diff(got.data, want.data, seqTol);
        if (d !== null) assert.fail(`${what}: ${d} (${ctx})`);
      };
      // A backend may decline short sequences and small batches (returning false, writing
      // nothing): those cases check that nothing was written; most cases must be taken.
      let taken = 0;
      const untouched = (what: string, a: NDArray, before: NDArray, ctx: string) => {
        if (diff(a.data, before.data, { rtol: 0, atol: 0 }) !== null) {
          assert.fail(`${what}: written although the call returned false (${ctx})`);
        }
      };
      for (let k = 0; k < 60; k++) {
        // Large cases: several row panels and partial column panels; H > 256 splits the k loop.
        const big = r.chance(0.25);
        const T = r.int(1, big ? 8 : 12), B = big ? r.int(13, 40) : r.int(1, 12);
        const H = big ? r.int(200, 300) : r.int(1, 40), G = 4 * H, reverse = r.chance(0.5);
        const ctx = `case ${k}: T ${T} B ${B} H ${H} reverse ${reverse}`;
        const xg = blocks(r, T, B, G, r.pick([1, 3])), whh = blocks(r, 1, G, H, 1 / Math.sqrt(H));
        const w = step(whh, 0);
        const hs = blocks(r, T + 1, B, H), cs = blocks(r, T + 1, B, H), act = blocks(r, T, B, G);
        const [hs2, cs2, act2] = [hs, cs, act].map(copyOf);
        if (!nb.lstmSequence!(hs, cs, act, xg, w, reverse)) {
          untouched("lstmSequence hs", hs, hs2, ctx);
          untouched("lstmSequence act", act, act2, ctx);
          continue;
        }
        taken++;
        sequenceSteps(hs2, cs2, act2, xg, w, reverse);
        close("lstmSequence hs", hs, hs2, ctx);
        close("lstmSequence cs", cs, cs2, ctx);
        close("lstmSequence act", act, act2, ctx);
        const dy = blocks(r, T + 2, B, H), dgh = blocks(r, T, B, G);
        const dh0 = blocks(r, 1, B, H), dc0 = blocks(r, 1, B, H), dgh2 = copyOf(dgh);
        assert.equal(
          nb.lstmSequenceBackward!(dgh, step(dh0, 0), step(dc0, 0), dy, act2, cs2, w, reverse),
          true,
          ctx,
        );
        const [dh2, dc2] = sequenceStepsBackward(dgh2, dy, act2, cs2, w, reverse);
        close("lstmSequenceBackward dgh", dgh, dgh2, ctx);
        close("lstmSequenceBackward dh0", step(dh0, 0), dh2, ctx);
        close("lstmSequenceBackward dc0", step(dc0, 0), dc2, ctx);
      }
      if (taken < 30) assert.fail(`only ${taken} of 60 sequences were taken`);
      // float64 is left to the step loop: false, nothing written.
      const h64 = new NDArray(new Storage(new Float64Array(2 * 3)), [2, 1, 3]);
      const before = h64.data.slice();
      const x64 = new NDArray(new Storage(new Float64Array(12)), [1, 1, 12]);
      const w64 = new NDArray(new Storage(new Float64Array(36)), [12, 3]);
      const a64 = new NDArray(new Storage(new Float64Array(12)), [1, 1, 12]);
      assert.equal(nb.lstmSequence!(h64, copyOf(h64), a64, x64, w64, false), false);
      assert.deepEqual(Array.from(h64.data), Array.from(before));
    },
  );
}
