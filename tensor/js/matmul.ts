// JS kernel: batched GEMM. Operands are packed into 4-row / 4-column panels of cache-sized blocks
// and multiplied by a 4×4 register-blocked micro-kernel (16 accumulators held in locals).
import type { NDArray } from "../ndarray.ts";
import type { TypedArray } from "../dtype.ts";
import { forEachRow, makePlan } from "./_strided.ts";

const MR = 4, NR = 4;
const KC = 256, MC = 64, NC = 512;
const SMALL = 16 * 16 * 16;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/**
 * `out[b] = a[b] @ b[b]` for every batch index; `out` contiguous. With `bias` (`[N]`, contiguous),
 * `out[b][i, j] += bias[j]` afterwards: the stored product plus the bias, rounded to the dtype as a
 * separate broadcast add rounds it.
 */
export function matmul(out: NDArray, a: NDArray, b: NDArray, bias: NDArray | null = null): void {
  const nd = out.ndim;
  const M = out.shape[nd - 2], N = out.shape[nd - 1], K = a.shape[nd - 1];
  const batch = out.shape.slice(0, nd - 2);
  const plan = makePlan(batch, [
    out.strides.slice(0, nd - 2),
    a.strides.slice(0, nd - 2),
    b.strides.slice(0, nd - 2),
  ]);
  const g: Gemm = {
    M,
    N,
    K,
    a: a.data,
    sam: a.strides[nd - 2],
    sak: a.strides[nd - 1],
    b: b.data,
    sbk: b.strides[nd - 2],
    sbn: b.strides[nd - 1],
    c: out.data,
  };
  const [so, sa, sb] = plan.strides.map((s) => s[s.length - 1]);
  forEachRow(plan, [out.offset, a.offset, b.offset], (n, po, pa, pb) => {
    for (let i = 0; i < n; i++, po += so, pa += sa, pb += sb) gemm(g, pa, pb, po);
  });
  if (bias !== null) addBiasRows(out, bias);
}

/** `out[r, j] += bias[j]` for every row `r` of the contiguous `out` (int32: ToInt32 of the sum). */
function addBiasRows(out: NDArray, bias: NDArray): void {
  const o = out.data, bd = bias.data, bo = bias.offset;
  const N = out.shape[out.ndim - 1];
  const end = out.offset + out.size;
  if (o instanceof Int32Array) {
    for (let r = out.offset; r < end; r += N) {
      for (let j = 0; j < N; j++) o[r + j] = (o[r + j] + bd[bo + j]) | 0;
    }
    return;
  }
  for (let r = out.offset; r < end; r += N) {
    for (let j = 0; j < N; j++) o[r + j] += bd[bo + j];
  }
}

interface Gemm {
  M: number;
  N: number;
  K: number;
  a: TypedArray;
  sam: number;
  sak: number;
  b: TypedArray;
  sbk: number;
  sbn: number;
  c: TypedArray;
}

function gemm(g: Gemm, pa: number, pb: number, pc: number): void {
  const { M, N, K, c } = g;
  if (M * N * K <= SMALL || K === 0) {
    naive(g, pa, pb, pc);
    return;
  }
  c.fill(0, pc, pc + M * N);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  for (let kk = 0; kk < K; kk += KC) {
    const kc = Math.min(KC, K - kk);
    for (let jj = 0; jj < N; jj += NC) {
      const nc = Math.min(NC, N - jj);
      packPanelsB(g, pb, kk, kc, jj, nc);
      for (let ii = 0; ii < M; ii += MC) {
        const mc = Math.min(MC, M - ii);
        packPanelsA(g, pa, ii, mc, kk, kc);
        for (let ip = 0; ip < mc; ip += MR) {
          for (let jp = 0; jp < nc; jp += NR) {
            kernel4x4(
              kc,
              ip * kc,
              jp * kc,
              c,
              pc + (ii + ip) * N + jj + jp,
              N,
              Math.min(MR, mc - ip),
              Math.min(NR, nc - jp),
            );
          }
        }
      }
    }
  }
}

/** Small products: plain i-k-j loops (packing would cost more than it saves). */
function naive(g: Gemm, pa: number, pb: number, pc: number): void {
  const { M, N, K, a, b, c, sam, sak, sbk, sbn } = g;
  for (let i = 0; i < M; i++) {
    const row = pc + i * N;
    for (let j = 0; j < N; j++) c[row + j] = 0;
    for (let k = 0; k < K; k++) {
      const aik = a[pa + i * sam + k * sak];
      if (aik === 0) continue;
      let q = pb + k * sbk;
      for (let j = 0; j < N; j++, q += sbn) c[row + j] += aik * b[q];
    }
  }
}

/** Packs rows ii..ii+mc, columns kk..kk+kc of A as MR-row panels, k-major inside a panel, zero-padded. */
function packPanelsA(g: Gemm, pa: number, ii: number, mc: number, kk: number, kc: number): void {
  const { a, sam, sak } = g;
  const buf = packA;
  for (let ip = 0; ip < mc; ip += MR) {
    const base = ip * kc;
    for (let r = 0; r < MR; r++) {
      if (ip + r < mc) {
        let q = pa + (ii + ip + r) * sam + kk * sak;
        for (let k = 0; k < kc; k++, q += sak) buf[base + k * MR + r] = a[q];
      } else {
        for (let k = 0; k < kc; k++) buf[base + k * MR + r] = 0;
      }
    }
  }
}

/** Packs rows kk..kk+kc, columns jj..jj+nc of B as NR-column panels, k-major inside a panel. */
function packPanelsB(g: Gemm, pb: number, kk: number, kc: number, jj: number, nc: number): void {
  const { b, sbk, sbn } = g;
  if (packB.length < kc * (nc + NR)) packB = new Float64Array(kc * (nc + NR));
  const buf = packB;
  for (let jp = 0; jp < nc; jp += NR) {
    const base = jp * kc;
    for (let cIdx = 0; cIdx < NR; cIdx++) {
      if (jp + cIdx < nc) {
        let q = pb + kk * sbk + (jj + jp + cIdx) * sbn;
        for (let k = 0; k < kc; k++, q += sbk) buf[base + k * NR + cIdx] = b[q];
      } else {
        for (let k = 0; k < kc; k++) buf[base + k * NR + cIdx] = 0;
      }
    }
  }
}

function kernel4x4(
  kc: number,
  offA: number,
  offB: number,
  c: TypedArray,
  pc: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  const A = packA, B = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = offA, pb = offB;
  for (let k = 0; k < kc; k++, pa += 4, pb += 4) {
    const a0 = A[pa], a1 = A[pa + 1], a2 = A[pa + 2], a3 = A[pa + 3];
    const b0 = B[pb], b1 = B[pb + 1], b2 = B[pb + 2], b3 = B[pb + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4) {
    c[pc] += c00;
    c[pc + 1] += c01;
    c[pc + 2] += c02;
    c[pc + 3] += c03;
    pc += ldc;
    c[pc] += c10;
    c[pc + 1] += c11;
    c[pc + 2] += c12;
    c[pc + 3] += c13;
    pc += ldc;
    c[pc] += c20;
    c[pc + 1] += c21;
    c[pc + 2] += c22;
    c[pc + 3] += c23;
    pc += ldc;
    c[pc] += c30;
    c[pc + 1] += c31;
    c[pc + 2] += c32;
    c[pc + 3] += c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) c[pc + r * ldc + j] += tile[r * 4 + j];
  }
}
