import assert from "node:assert/strict";
import { array, type NDArray } from "@nnc/tensor";
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, fashionMnist, mnist } from "./mnist.ts";
import { encodeIdx } from "./idx.ts";
import { gzip } from "./gzip.ts";
import { DataFormatError, DatasetNotFoundError } from "./errors.ts";
import { withTempDir } from "./_testing.ts";

/** Writes a tiny MNIST-style pair of files: n images whose pixels are (i + r + c) % 256, labels i % 10. */
async function writeFake(
  dir: string,
  prefix: string,
  n: number,
  options: { gz?: boolean; dotted?: boolean } = {},
): Promise<void> {
  const pixels = new Int32Array(n * 784).map((_, k) =>
    (Math.floor(k / 784) + Math.floor((k % 784) / 28) + (k % 28)) % 256
  );
  const images = encodeIdx(array(pixels, { shape: [n, 28, 28] }), { type: "u8" });
  const labels = encodeIdx(array(new Int32Array(n).map((_, i) => i % 10)), { type: "u8" });
  const sep = options.dotted ? "." : "-";
  const ext = options.gz ? ".gz" : "";
  await Deno.writeFile(
    `${dir}/${prefix}-images${sep}idx3-ubyte${ext}`,
    options.gz ? await gzip(images) : images,
  );
  await Deno.writeFile(
    `${dir}/${prefix}-labels${sep}idx1-ubyte${ext}`,
    options.gz ? await gzip(labels) : labels,
  );
}

function pixelSum(images: NDArray): number {
  let s = 0;
  for (const v of images.data) s += Math.round(v * 255);
  return s;
}

Deno.test("mnist reads a folder of IDX files, gzipped or not, in either naming", async () => {
  await withTempDir(async (dir) => {
    await writeFake(dir, "train", 3, { gz: true });
    await writeFake(dir, "t10k", 2, { dotted: true });
    const train = await mnist({ dir });
    assert.deepEqual(train.images.shape, [3, 1, 28, 28]);
    assert.equal(train.images.dtype, "float32");
    assert.deepEqual(train.labels.toArray(), [0, 1, 2]);
    assert.equal(train.labels.dtype, "int32");
    assert.equal(train.images.get(2, 0, 1, 3), Math.fround(6 / 255));
    assert.deepEqual(train.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const test = await mnist({ dir: dir + "/", split: "test", flat: true });
    assert.deepEqual(test.images.shape, [2, 784]);
    assert.equal(test.images.get(1, 28 * 27 + 27), Math.fround(55 / 255));
  });
});

/**
 * What `mnist({ split: "test" })` gives in a fresh Deno process whose only data variable is NNC_DATA
 * = `root` (unset when undefined): the number of labels, or the error's name and message. A child
 * process, because tests run side by side in one process and must not change its environment.
 */
function mnistTestSplitWith(root: string | undefined): string {
  const code = `import { mnist } from ${
    JSON.stringify(new URL("./mnist.ts", import.meta.url).href)
  };
    try { console.log((await mnist({ split: "test" })).labels.size); }
    catch (e) { console.log(e.name + ": " + e.message); }`;
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  if (root !== undefined) env.NNC_DATA = root;
  const out = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../deno.json", import.meta.url).pathname, code],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("mnist honours NNC_DATA (its mnist/ subfolder, then itself)", async () => {
  await withTempDir(async (root) => {
    await Deno.mkdir(`${root}/mnist`);
    await writeFake(`${root}/mnist`, "t10k", 4);
    await writeFake(root, "t10k", 1);
    assert.equal(mnistTestSplitWith(root), "4");
    await Deno.remove(`${root}/mnist`, { recursive: true });
    assert.equal(mnistTestSplitWith(root), "1");
    assert.match(mnistTestSplitWith(undefined), /^DatasetNotFoundError: .*NNC_DATA is not set/);
  });
});

Deno.test("a missing data set says how to get it", async () => {
  await withTempDir(async (dir) => {
    await writeFake(dir, "train", 1);
    await assert.rejects(() => mnist({ dir, split: "test" }), (e: Error) => {
      assert.ok(e instanceof DatasetNotFoundError);
      assert.match(
        e.message,
        /no t10k-images-idx3-ubyte\[\.gz\] and t10k-labels-idx1-ubyte\[\.gz\] in /,
      );
      assert.match(e.message, /Put the MNIST IDX files/);
      return true;
    });
    await assert.rejects(
      () => fashionMnist({ dir, split: "test" }),
      /apt-get install dataset-fashion-mnist/,
    );
  });
});

Deno.test("mnist rejects mismatched or malformed files with the file's name", async () => {
  await withTempDir(async (dir) => {
    await writeFake(dir, "train", 3);
    await Deno.writeFile(
      `${dir}/train-labels-idx1-ubyte`,
      encodeIdx(array([1, 2], { dtype: "int32" }), { type: "u8" }),
    );
    await assert.rejects(
      () => mnist({ dir }),
      (e: Error) =>
        e instanceof DataFormatError && e.file === `${dir}/train-labels-idx1-ubyte` &&
        /2 labels for 3 images/.test(e.message),
    );
    await Deno.writeFile(
      `${dir}/train-labels-idx1-ubyte`,
      encodeIdx(array([1, 12, 3], { dtype: "int32" }), { type: "u8" }),
    );
    await assert.rejects(
      () => mnist({ dir }),
      (e: Error) => e instanceof DataFormatError && e.offset === 9 && /label 12/.test(e.message),
    );
    await Deno.writeFile(
      `${dir}/train-images-idx3-ubyte`,
      encodeIdx(array(new Int32Array(3 * 27 * 28), { shape: [3, 27, 28] }), { type: "u8" }),
    );
    await assert.rejects(
      () => mnist({ dir }),
      /expected unsigned-byte images of shape \[N, 28, 28\], found u8 \[3, 27, 28\]/,
    );
    await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, new Uint8Array([0, 0, 8, 3, 0]));
    await assert.rejects(
      () => mnist({ dir }),
      (e: Error) => e instanceof DataFormatError && e.file === `${dir}/train-images-idx3-ubyte`,
    );
  });
  await assert.rejects(() => mnist({ dir: "", split: "train" }), /dir must be a folder path/);
  await assert.rejects(
    () => mnist({ dir: "/x", split: "val" as "train" }),
    /split must be one of "train", "test", got "val"/,
  );
  await assert.rejects(
    () => fashionMnist({ flat: "yes" as unknown as boolean }),
    /flat must be a boolean/,
  );
});

const haveFashion = (() => {
  try {
    return Deno.statSync(`${FASHION_MNIST_DIR}/t10k-labels-idx1-ubyte.gz`).isFile;
  } catch {
    return false;
  }
})();
if (!haveFashion) {
  console.log(
    `fashionMnist tests skipped: ${FASHION_MNIST_DIR} is missing (apt-get install dataset-fashion-mnist)`,
  );
}

Deno.test({
  name: "fashionMnist reads the Debian package: sizes, balance, first labels, exact pixel sums",
  ignore: !haveFashion,
  fn: async () => {
    const test = await fashionMnist({ split: "test" });
    assert.deepEqual(test.images.shape, [10000, 1, 28, 28]);
    assert.deepEqual(test.classes, [...FASHION_MNIST_CLASSES]);
    assert.deepEqual((test.labels.toArray() as number[]).slice(0, 10), [
      9,
      2,
      1,
      1,
      6,
      1,
      4,
      6,
      5,
      7,
    ]);
    assert.equal(pixelSum(test.images), 573469082);
    assert.deepEqual(
      Array.from({ length: 8 }, (_, k) => Math.round(test.images.get(0, 0, 14, 10 + k) * 255)),
      [0, 0, 98, 136, 110, 109, 110, 162],
    );
    const train = await fashionMnist({ split: "train", flat: true });
    assert.deepEqual(train.images.shape, [60000, 784]);
    assert.deepEqual((train.labels.toArray() as number[]).slice(0, 10), [
      9,
      0,
      0,
      3,
      0,
      2,
      7,
      2,
      5,
      5,
    ]);
    const counts = new Array(10).fill(0);
    for (const l of train.labels.data) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
    assert.equal(pixelSum(train.images), 3431114169);
    assert.ok(train.images.min().item() === 0 && train.images.max().item() === 1);
  },
});
