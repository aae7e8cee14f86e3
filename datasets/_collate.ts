// Turning samples into batches: the general stacking of arbitrary samples, and the fast gather of
// rows straight from the storage of a TensorDataset.
import { allocTyped, describe, NDArray, type TypedArray } from "@nnc/tensor";
import { type Dataset, Subset, TensorDataset } from "./dataset.ts";

/** A TensorDataset and the map from the loader's indices to its rows, when a dataset reduces to one. */
export interface RowSource {
  arrays: readonly NDArray[];
  rows: Int32Array | null;
}

/** Sees through Subsets down to a TensorDataset, composing their indices. */
export function rowSource(dataset: Dataset<unknown>): RowSource | null {
  let rows: Int32Array | null = null;
  let d: Dataset<unknown> = dataset;
  while (d instanceof Subset) {
    const idx: Int32Array = d.indices;
    rows = rows === null ? idx : rows.map((r) => idx[r]);
    d = d.dataset;
  }
  return d instanceof TensorDataset ? { arrays: d.arrays, rows } : null;
}

/** Copies the rows `indices` (through `rows`) of every array into new `[b, ...]` arrays. */
export function gatherRows(
  src: RowSource,
  indices: Int32Array,
  start: number,
  end: number,
): NDArray[] {
  const b = end - start;
  return src.arrays.map((a) => {
    const rowSize = a.shape[0] === 0 ? 0 : a.size / a.shape[0];
    const data = a.data;
    const base = a.offset;
    const out = allocTyped(a.dtype, b * rowSize);
    for (let i = 0; i < b; i++) {
      const k = indices[start + i];
      const row = src.rows === null ? k : src.rows[k];
      const from = base + row * rowSize;
      if (rowSize <= 16) {
        for (let j = 0; j < rowSize; j++) out[i * rowSize + j] = data[from + j];
      } else {
        out.set(data.subarray(from, from + rowSize), i * rowSize);
      }
    }
    return NDArray.fromTyped(out, [b, ...a.shape.slice(1)]);
  });
}

/** Stacks samples of one structure: arrays along a new first axis, numbers into a 1-d array, tuples element-wise. */
export function collate(samples: unknown[], op: string): unknown {
  const first = samples[0];
  if (first instanceof NDArray) return stackArrays(samples, op);
  if (typeof first === "number") return stackNumbers(samples, op);
  if (Array.isArray(first)) {
    samples.forEach((s, i) => {
      if (!Array.isArray(s) || s.length !== first.length) {
        throw new TypeError(
          `${op}: sample ${i} is ${
            describe(s)
          } but the first sample is an array of length ${first.length}`,
        );
      }
    });
    return first.map((_, k) => collate(samples.map((s) => (s as unknown[])[k]), op));
  }
  throw new TypeError(
    `${op}: cannot batch samples of type ${
      describe(first)
    }; samples must be NDArrays, numbers or arrays of them`,
  );
}

function stackArrays(samples: unknown[], op: string): NDArray {
  const first = samples[0] as NDArray;
  const size = first.size;
  const out: TypedArray = allocTyped(first.dtype, samples.length * size);
  samples.forEach((s, i) => {
    if (
      !(s instanceof NDArray) || s.dtype !== first.dtype || s.ndim !== first.ndim ||
      s.shape.some((d, j) => d !== first.shape[j])
    ) {
      const what = s instanceof NDArray ? `${s.dtype} [${s.shape.join(", ")}]` : describe(s);
      throw new TypeError(
        `${op}: sample ${i} is ${what} but the first sample is ${first.dtype} [${
          first.shape.join(", ")
        }]; samples must match to be stacked`,
      );
    }
    const c = s.contiguous();
    out.set(c.data.subarray(c.offset, c.offset + size), i * size);
  });
  return NDArray.fromTyped(out, [samples.length, ...first.shape]);
}

// Plain numbers carry no dtype: integers collate to int32 (class labels), anything else to float32.
function stackNumbers(samples: unknown[], op: string): NDArray {
  samples.forEach((s, i) => {
    if (typeof s !== "number") {
      throw new TypeError(`${op}: sample ${i} is ${describe(s)} but the first sample is a number`);
    }
  });
  const nums = samples as number[];
  const integral = nums.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
  return NDArray.fromTyped(integral ? Int32Array.from(nums) : Float32Array.from(nums), [
    nums.length,
  ]);
}
