// JS kernels: fused scaled dot-product attention and its backward, one query row at a time, so the
// weights of a row (Lk numbers) are the only intermediate; the backward recomputes them from the
// saved log-sum-exp instead of storing the [Lq, Lk] matrix. Arrays are [N, H, L, D] views with
// any strides (the heads of a packed [N, L, 3, H, D] projection need no copy).
import type { AttentionKernelParams } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";

/** Keys query `i` may see: all `lk`, or with `causal` those up to its own position. */
function visibleKeys(i: number, lq: number, lk: number, causal: boolean): number {
  if (!causal) return lk;
  const n = i + lk - lq + 1;
  return n < 0 ? 0 : n > lk ? lk : n;
}

/** Storage index of row `i` of head (n, h) of a [N, H, L, D] view. */
function rowAt(a: NDArray, n: number, h: number, i: number): number {
  return a.offset + n * a.strides[0] + h * a.strides[1] + i * a.strides[2];
}

/** Writes the scores of query row (n, h, i) against keys [0, count) into `s`. */
function scores(
  s: Float64Array,
  count: number,
  q: NDArray,
  k: NDArray,
  mask: NDArray | null,
  n: number,
  h: number,
  i: number,
  scale: number,
): void {
  const d = q.shape[3];
  const qd = q.data, kd = k.data, qc = q.strides[3], kc = k.strides[3], kr = k.strides[2];
  const qo = rowAt(q, n, h, i), ko = rowAt(k, n, h, 0);
  for (let j = 0; j < count; j++) {
    let acc = 0;
    const kj = ko + j * kr;
    for (let c = 0; c < d; c++) acc += qd[qo + c * qc] * kd[kj + c * kc];
    s[j] = acc * scale;
  }
  if (mask !== null) {
    const md = mask.data, sj = mask.strides[3];
    const mo = rowAt(mask, n, h, i);
    for (let j = 0; j < count; j++) s[j] += md[mo + j * sj];
  }
}

/** Fused attention forward (see `Backend.attention`). */
export function attention(
  out: NDArray,
  lse: NDArray,
  q: NDArray,
  k: NDArray,
  v: NDArray,
  mask: NDArray | null,
  p: AttentionKernelParams,
): void {
  const [nb, nh, lq] = q.shape;
  const lk = k.shape[2], dv = v.shape[3];
  const s = new Float64Array(lk), acc = new Float64Array(dv);
  const od = out.data, ld = lse.data, vd = v.data;
  const oc = out.strides[3], vc = v.strides[3], vr = v.strides[2];
  for (let n = 0; n < nb; n++) {
    for (let h = 0; h < nh; h++) {
      const vo = rowAt(v, n, h, 0);
      for (let i = 0; i < lq; i++) {
        const oo = rowAt(out, n, h, i);
        const lo = lse.offset + n * lse.strides[0] + h * lse.strides[1] + i * lse.strides[2];
        const count = visibleKeys(i, lq, lk, p.causal);
        scores(s, count, q, k, mask, n, h, i, p.scale);
        let mx = -Infinity;
        for (let j = 0; j < count; j++) if (s[j] > mx || s[j] !== s[j]) mx = s[j];
        if (mx === -Infinity) {
          for (let c = 0; c < dv; c++) od[oo + c * oc] = 0;
          ld[lo] = -Infinity;
          continue;
        }
        let sum = 0;
        acc.fill(0);
        for (let j = 0; j < count; j++) {
          const e = Math.exp(s[j] - mx);
          sum += e;
          if (e === 0) continue;
          const vj = vo + j * vr;
          for (let c = 0; c < dv; c++) acc[c] += e * vd[vj + c * vc];
        }
        const inv = 1 / sum;
        for (let c = 0; c < dv; c++) od[oo + c * oc] = acc[c] * inv;
        ld[lo] = mx + Math.log(sum);
      }
    }
  }
}

/** Fused attention backward (see `Backend.attentionBackward`). */
export function attentionBackward(
  dq: NDArray,
  dk: NDArray,
  dv: NDArray,
  q: NDArray,
  k: NDArray,
  v: NDArray,
  mask: NDArray | null,
  out: NDArray,
  lse: NDArray,
  dout: NDArray,
  p: AttentionKernelParams,
): void {
  const [nb, nh, lq, d] = q.shape;
  const lk = k.shape[2], e = v.shape[3];
  const s = new Float64Array(lk), gq = new Float64Array(d);
  const gk = new Float64Array(lk * d), gv = new Float64Array(lk * e);
  const qd = q.data, kd = k.data, vd = v.data, od = out.data, gd = dout.data, ld = lse.data;
  const [qc, kc, vc, oc, gc] = [q, k, v, out, dout].map((a) => a.strides[3]);
  const kr = k.strides[2], vr = v.strides[2];
  const { scale } = p;
  for (let n = 0; n < nb; n++) {
    for (let h = 0; h < nh; h++) {
      gk.fill(0);
      gv.fill(0);
      const ko = rowAt(k, n, h, 0), vo = rowAt(v, n, h, 0);
      for (let i = 0; i < lq; i++) {
        const l = ld[lse.offset + n * lse.strides[0] + h * lse.strides[1] + i * lse.strides[2]];
        const count = l === -Infinity ? 0 : visibleKeys(i, lq, lk, p.causal);
        scores(s, count, q, k, mask, n, h, i, scale);
        const go = rowAt(dout, n, h, i), oo = rowAt(out, n, h, i), qo = rowAt(q, n, h, i);
        // D_i = Σ_c dout_ic·out_ic = Σ_j p_ij (dout_i·v_j): the softmax backward's row term.
        let di = 0;
        for (let c = 0; c < e; c++) di += gd[go + c * gc] * od[oo + c * oc];
        gq.fill(0);
        for (let j = 0; j < count; j++) {
          const pj = Math.exp(s[j] - l);
          if (pj === 0) continue;
          const vj = vo + j * vr;
          let dp = 0;
          for (let c = 0; c < e; c++) {
            const g = gd[go + c * gc];
            dp += g * vd[vj + c * vc];
            gv[j * e + c] += pj * g;
          }
          const ds = pj * (dp - di) * scale;
          const kj = ko + j * kr;
          for (let c = 0; c < d; c++) {
            gq[c] += ds * kd[kj + c * kc];
            gk[j * d + c] += ds * qd[qo + c * qc];
          }
        }
        const dqo = rowAt(dq, n, h, i), dqc = dq.strides[3];
        for (let c = 0; c < d; c++) dq.data[dqo + c * dqc] = gq[c];
      }
      const dkc = dk.strides[3], dvc = dv.strides[3];
      for (let j = 0; j < lk; j++) {
        const dko = rowAt(dk, n, h, j), dvo = rowAt(dv, n, h, j);
        for (let c = 0; c < d; c++) dk.data[dko + c * dkc] = gk[j * d + c];
        for (let c = 0; c < e; c++) dv.data[dvo + c * dvc] = gv[j * e + c];
      }
    }
  }
}
