// JS kernels: the pointwise parts of LSTM and GRU steps, one pass over a batch of contiguous rows.
// Arithmetic in double with the gates kept in locals (not read back from a float32 `act`), the
// order native/src/rnn.c follows.
import type { NDArray } from "../ndarray.ts";

function sigmoid(v: number): number {
  // The two forms of the `sigmoid` kernel, so that exp never overflows.
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** See `Backend.lstmCell`. */
export function lstmCell(
  h: NDArray,
  c: NDArray,
  act: NDArray,
  xg: NDArray,
  hg: NDArray,
  cPrev: NDArray,
): void {
  const B = h.shape[0], H = h.shape[1], G = 4 * H;
  const ho = h.data, co = c.data, ao = act.data, xd = xg.data, hd = hg.data, cp = cPrev.data;
  const oh = h.offset, oc = c.offset, oa = act.offset, ox = xg.offset, og = hg.offset;
  const ocp = cPrev.offset;
  for (let b = 0; b < B; b++) {
    const rx = ox + b * G, rg = og + b * G, ra = oa + b * G, rh = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xd[rx + j] + hd[rg + j]);
      const f = sigmoid(xd[rx + H + j] + hd[rg + H + j]);
      const g = Math.tanh(xd[rx + 2 * H + j] + hd[rg + 2 * H + j]);
      const o = sigmoid(xd[rx + 3 * H + j] + hd[rg + 3 * H + j]);
      const cn = f * cp[ocp + rh + j] + i * g;
      ao[ra + j] = i;
      ao[ra + H + j] = f;
      ao[ra + 2 * H + j] = g;
      ao[ra + 3 * H + j] = o;
      co[oc + rh + j] = cn;
      ho[oh + rh + j] = o * Math.tanh(cn);
    }
  }
}

/** See `Backend.lstmCellBackward`. */
export function lstmCellBackward(
  dGates: NDArray,
  dcPrev: NDArray,
  act: NDArray,
  c: NDArray,
  cPrev: NDArray,
  dh: NDArray,
  dc: NDArray,
): void {
  const B = c.shape[0], H = c.shape[1], G = 4 * H;
  const dg = dGates.data, dcp = dcPrev.data, a = act.data, cd = c.data, cp = cPrev.data;
  const dhd = dh.data, dcd = dc.data;
  const odg = dGates.offset, odcp = dcPrev.offset, oa = act.offset, oc = c.offset;
  const ocp = cPrev.offset, odh = dh.offset, odc = dc.offset;
  for (let b = 0; b < B; b++) {
    const ra = oa + b * G, rd = odg + b * G, rh = b * H;
    for (let j = 0; j < H; j++) {
      const i = a[ra + j], f = a[ra + H + j], g = a[ra + 2 * H + j], o = a[ra + 3 * H + j];
      const tc = Math.tanh(cd[oc + rh + j]);
      const dhv = dhd[odh + rh + j];
      const dct = dcd[odc + rh + j] + dhv * o * (1 - tc * tc);
      dg[rd + j] = dct * g * i * (1 - i);
      dg[rd + H + j] = dct * cp[ocp + rh + j] * f * (1 - f);
      dg[rd + 2 * H + j] = dct * i * (1 - g * g);
      dg[rd + 3 * H + j] = dhv * tc * o * (1 - o);
      dcp[odcp + rh + j] = dct * f;
    }
  }
}

/** See `Backend.gruCell`. */
export function gruCell(
  h: NDArray,
  act: NDArray,
  xg: NDArray,
  hg: NDArray,
  bhh: NDArray | null,
  hPrev: NDArray,
): void {
  const B = h.shape[0], H = h.shape[1], G = 3 * H, A = 4 * H;
  const ho = h.data, ao = act.data, xd = xg.data, hd = hg.data, hp = hPrev.data;
  const oh = h.offset, oa = act.offset, ox = xg.offset, og = hg.offset, ohp = hPrev.offset;
  const bd = bhh === null ? null : bhh.data, ob = bhh === null ? 0 : bhh.offset;
  for (let b = 0; b < B; b++) {
    const rx = ox + b * G, rg = og + b * G, ra = oa + b * A, rh = b * H;
    for (let j = 0; j < H; j++) {
      const br = bd === null ? 0 : bd[ob + j];
      const bz = bd === null ? 0 : bd[ob + H + j];
      const bn = bd === null ? 0 : bd[ob + 2 * H + j];
      const r = sigmoid(xd[rx + j] + (hd[rg + j] + br));
      const z = sigmoid(xd[rx + H + j] + (hd[rg + H + j] + bz));
      const hn = hd[rg + 2 * H + j] + bn;
      const n = Math.tanh(xd[rx + 2 * H + j] + r * hn);
      ao[ra + j] = r;
      ao[ra + H + j] = z;
      ao[ra + 2 * H + j] = n;
      ao[ra + 3 * H + j] = hn;
      ho[oh + rh + j] = (1 - z) * n + z * hp[ohp + rh + j];
    }
  }
}

/** See `Backend.gruCellBackward`. */
export function gruCellBackward(
  dxg: NDArray,
  dhg: NDArray,
  dhPrev: NDArray,
  act: NDArray,
  hPrev: NDArray,
  dh: NDArray,
): void {
  const B = hPrev.shape[0], H = hPrev.shape[1], G = 3 * H, A = 4 * H;
  const dx = dxg.data, dhd = dhg.data, dp = dhPrev.data, a = act.data, hp = hPrev.data;
  const dho = dh.data;
  const odx = dxg.offset, odg = dhg.offset, odp = dhPrev.offset, oa = act.offset;
  const ohp = hPrev.offset, odh = dh.offset;
  for (let b = 0; b < B; b++) {
    const ra = oa + b * A, rx = odx + b * G, rg = odg + b * G, rh = b * H;
    for (let j = 0; j < H; j++) {
      const r = a[ra + j], z = a[ra + H + j], n = a[ra + 2 * H + j], hn = a[ra + 3 * H + j];
      const d = dho[odh + rh + j];
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (hp[ohp + rh + j] - n) * z * (1 - z);
      const dr = dn * hn * r * (1 - r);
      dx[rx + j] = dr;
      dx[rx + H + j] = dz;
      dx[rx + 2 * H + j] = dn;
      dhd[rg + j] = dr;
      dhd[rg + H + j] = dz;
      dhd[rg + 2 * H + j] = dn * r;
      dp[odp + rh + j] = d * z;
    }
  }
}
