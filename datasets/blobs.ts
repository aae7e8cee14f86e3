/**
 * Isotropic Gaussian blobs (scikit-learn's `make_blobs`).
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { evenCounts, MAX_INT32 } from "./_check.ts";
import { resolveRng } from "./_rng.ts";

/** Options of {@link blobs}. */
export interface BlobsOptions extends RandomSource {
  /** Number of points, split evenly between the blobs (the first get the remainder). Default 100. */
  n?: number;
  /** The centres as rows of coordinates, or how many to draw uniformly in `box`. Default 3. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every blob, or one per blob. Default 1. */
  std?: number | readonly number[];
  /** Dimension of drawn centres (ignored when centres are given). Default 2. */
  dim?: number;
  /** Range of drawn centres' coordinates. Default [-10, 10]. */
  box?: readonly [number, number];
}

/** Gaussian blobs and their centres. */
export interface BlobsData extends LabeledData {
  /** The centres, float64 `[k, dim]`. */
  centers: NDArray;
}

/**
 * Points from `k` isotropic Gaussians: blob `j` has its centre and standard deviation, label `j`.
 * `x` float32 `[n, dim]`, `y` int32 `[n]`, blob by blob.
 *
 * @example
 * ```ts
 * import { blobs } from "@nnc/datasets";
 * const { x, y } = blobs({ n: 400, centers: [[0, 0], [10, 10]], std: [1, 2], seed: 0 });
 * console.assert(x.shape.join() === "400,2" && y.sum().item() === 200);
 * console.assert(Math.abs(x.slice({ start: 200 }).mean().item() - 10) < 0.3);
 * ```
 */
export function blobs(options?: BlobsOptions): BlobsData {
  const op = "blobs";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const rng = resolveRng(o, op);
  const centers = resolveCenters(o, op, rng);
  const k = centers.length, dim = centers[0].length;
  const std = o.std === undefined || typeof o.std === "number"
    ? new Array<number>(k).fill(checkNumber(o.std ?? 1, op, "std", 0))
    : Array.isArray(o.std)
    ? [...o.std]
    : stdError(o.std, op);
  if (std.length !== k) {
    throw new RangeError(`${op}: std has ${std.length} entries for ${k} centres`);
  }
  std.forEach((s, j) => checkNumber(s ?? 0, op, `std[${j}]`, 0));
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  let row = 0;
  evenCounts(n, k).forEach((m, j) => {
    for (let i = 0; i < m; i++, row++) {
      for (let d = 0; d < dim; d++) x[row * dim + d] = centers[j][d] + rng.normal(0, std[j]);
      y[row] = j;
    }
  });
  return {
    x: NDArray.fromTyped(x, [n, dim]),
    y: NDArray.fromTyped(y, [n]),
    centers: NDArray.fromTyped(Float64Array.from(centers.flat()), [k, dim]),
  };
}

function resolveCenters(
  o: BlobsOptions,
  op: string,
  rng: { uniform(a: number, b: number): number },
): number[][] {
  if (o.centers === undefined || typeof o.centers === "number") {
    const k = checkInt(o.centers ?? 3, op, "centers", 1, MAX_INT32);
    const dim = checkInt(o.dim ?? 2, op, "dim", 1, MAX_INT32);
    const box = o.box ?? [-10, 10];
    if (
      !Array.isArray(box) || box.length !== 2 || !(box[0] < box[1]) || !box.every(Number.isFinite)
    ) {
      throw new RangeError(`${op}: box must be [low, high] with low < high, got ${describe(box)}`);
    }
    return Array.from(
      { length: k },
      () => Array.from({ length: dim }, () => rng.uniform(box[0], box[1])),
    );
  }
  if (!Array.isArray(o.centers) || o.centers.length === 0) {
    throw new TypeError(
      `${op}: centers must be a count or a non-empty array of coordinate rows, got ${
        describe(o.centers)
      }`,
    );
  }
  const rows = o.centers.map((c, j) => {
    if (
      !Array.isArray(c) || c.length === 0 ||
      !c.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      throw new TypeError(
        `${op}: centre ${j} must be a non-empty array of finite numbers, got ${describe(c)}`,
      );
    }
    return [...c];
  });
  if (rows.some((r) => r.length !== rows[0].length)) {
    throw new RangeError(`${op}: centres differ in dimension`);
  }
  return rows;
}

function stdError(std: unknown, op: string): never {
  throw new TypeError(
    `${op}: std must be a number or an array of one per centre, got ${describe(std)}`,
  );
}
