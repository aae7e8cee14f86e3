// Linear algebra at 64 and 256 on the active backend (JS unless NNC_BACKEND says otherwise).
// Run: deno bench -A tensor/linalg/linalg_bench.ts
import type { DType } from "../dtype.ts";
import type { NDArray } from "../ndarray.ts";
import { cholesky } from "./cholesky.ts";
import { eigh } from "./eigh.ts";
import { qr } from "./qr.ts";
import { solve } from "./solve.ts";
import { svd } from "./svd.ts";
import { arr, matmul, mulberry32, randomMatrix, transpose } from "./_testing.ts";

function general(n: number, dtype: DType): NDArray {
  return arr(randomMatrix(mulberry32(n), n, n), [n, n], dtype);
}

function spd(n: number, dtype: DType): NDArray {
  const m = randomMatrix(mulberry32(n + 1), n, n);
  const a = matmul(m, transpose(m, n, n), n, n, n);
  for (let i = 0; i < n; i++) a[i * n + i] += n;
  return arr(a, [n, n], dtype);
}

for (const n of [64, 256]) {
  for (const dtype of ["float64", "float32"] as const) {
    const a = general(n, dtype);
    const s = spd(n, dtype);
    const b = arr(randomMatrix(mulberry32(n + 2), n, 1), [n, 1], dtype);
    Deno.bench(`solve ${n}x${n} ${dtype}`, { group: `solve ${n}` }, () => {
      solve(a, b);
    });
    Deno.bench(`cholesky ${n}x${n} ${dtype}`, { group: `cholesky ${n}` }, () => {
      cholesky(s);
    });
    Deno.bench(`qr ${n}x${n} ${dtype}`, { group: `qr ${n}` }, () => {
      qr(a);
    });
    Deno.bench(`eigh ${n}x${n} ${dtype}`, { group: `eigh ${n}` }, () => {
      eigh(s);
    });
    Deno.bench(`svd ${n}x${n} ${dtype}`, { group: `svd ${n}` }, () => {
      svd(a);
    });
  }
}
