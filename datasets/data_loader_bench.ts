// deno bench -A datasets/data_loader_bench.ts
import { NDArray, Rng } from "@nnc/tensor";
import { DataLoader } from "./data_loader.ts";
import { TensorDataset } from "./dataset.ts";
import { horizontalFlip, randomCrop } from "./transforms.ts";
import { parseCsv } from "./csv.ts";
import { decodeIdx, encodeIdx } from "./idx.ts";

// An MNIST-sized set: 60,000 images of 1×28×28 and their labels.
const rng = new Rng(0);
const images = new Float32Array(60000 * 784).map(() => rng.random());
const labels = new Int32Array(60000).map(() => rng.int(0, 10));
const ds = new TensorDataset(
  NDArray.fromTyped(images, [60000, 1, 28, 28]),
  NDArray.fromTyped(labels, [60000]),
);

Deno.bench("DataLoader: one shuffled epoch of 60000×1×28×28, batch 64", {
  group: "loader",
  baseline: true,
}, () => {
  for (const _ of new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 1 })) {
    /* gather only */
  }
});

Deno.bench("DataLoader: the same with randomCrop(28, padding 2) + horizontalFlip", {
  group: "loader",
}, () => {
  const loader = new DataLoader(ds, {
    batchSize: 64,
    shuffle: true,
    seed: 1,
    transform: (b, r) => horizontalFlip(0.5)(randomCrop(28, { padding: 2 })(b, r), r),
  });
  for (const _ of loader) { /* gather + augment */ }
});

const csvText = "a,b,c,d,e,f,g,h,i,label\n" +
  Array.from({ length: 100000 }, (_, i) => `${i},${i * 0.5},1e-3,-2,3.25,${i % 7},7,8,9,${i % 3}`)
    .join("\n");
Deno.bench("parseCsv: 100,000 rows × 10 columns", () => {
  parseCsv(csvText, { label: "label" });
});

const idxBytes = encodeIdx(
  NDArray.fromTyped(new Int32Array(60000 * 784).map((_, i) => i % 256), [60000, 28, 28]),
  { type: "u8" },
);
Deno.bench("decodeIdx: 60000×28×28 unsigned bytes, normalised", () => {
  decodeIdx(idxBytes, { normalize: true });
});
