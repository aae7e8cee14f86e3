/**
 * MNIST and Fashion-MNIST from IDX files on disk (never downloaded): Fashion-MNIST from the
 * Debian package `dataset-fashion-mnist`, MNIST from any folder of the original files.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import { DataFormatError, DatasetNotFoundError } from "./errors.ts";
import { gunzip, isGzip } from "./gzip.ts";
import { decodeIdx, decodeIdxHeader } from "./idx.ts";
import { checkBool, checkOneOf, checkOptions, describe } from "@nnc/tensor";

/** Where the Debian package `dataset-fashion-mnist` installs its files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** The ten MNIST classes: the digits. */
export const MNIST_CLASSES: readonly string[] = Object.freeze([
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
]);

/** The ten Fashion-MNIST classes, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/** Options of {@link mnist} and {@link fashionMnist}. */
export interface MnistOptions {
  /** Which part: the 60,000 training images or the 10,000 test images. Default `"train"`. */
  split?: "train" | "test";
  /** Folder of the IDX files (gzipped or not; `train-images-idx3-ubyte[.gz]` or `train-images.idx3-ubyte`). */
  dir?: string;
  /** Images as `[N, 784]` instead of `[N, 1, 28, 28]`. Default false. */
  flat?: boolean;
}

/** Images and labels of an image-classification set. */
export interface ImageClassificationData {
  /** float32 in [0, 1], `[N, 1, 28, 28]` (or `[N, 784]` with `flat`). */
  images: NDArray;
  /** int32 class indices, `[N]`. */
  labels: NDArray;
  /** Class names; `labels[i]` indexes this list. */
  classes: string[];
}

/**
 * MNIST from a folder of IDX files: `options.dir`, else `$NNC_DATA/mnist`, else `$NNC_DATA`.
 * A missing folder or file is a {@link DatasetNotFoundError} that says where to put the files.
 *
 * @example
 * ```ts
 * import { DatasetNotFoundError, mnist } from "@nnc/datasets";
 * try {
 *   const { images, labels } = await mnist({ split: "test" });
 *   console.assert(images.shape.join() === "10000,1,28,28" && labels.size === 10000);
 * } catch (e) {
 *   console.assert(e instanceof DatasetNotFoundError); // no MNIST on this machine
 * }
 * ```
 */
export async function mnist(options: MnistOptions = {}): Promise<ImageClassificationData> {
  const split = checkSplit(options, "mnist");
  let dirs: string[];
  if (options.dir !== undefined) {
    dirs = [checkDir(options.dir, "mnist")];
  } else {
    const root = env("NNC_DATA");
    dirs = root === undefined ? [] : [`${root}/mnist`, root];
  }
  const howTo =
    "Put the MNIST IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, " +
    "t10k-labels-idx1-ubyte.gz; gzipped or not) in a folder and pass { dir }, or set NNC_DATA to a folder holding them in mnist/.";
  if (dirs.length === 0) {
    throw new DatasetNotFoundError(`mnist: no folder given and NNC_DATA is not set. ${howTo}`);
  }
  return await loadFrom("mnist", dirs, split, options.flat ?? false, [...MNIST_CLASSES], howTo);
}

/**
 * Fashion-MNIST from the Debian package `dataset-fashion-mnist` (or `options.dir`, or
 * `$NNC_DATA/fashion-mnist`). When it is missing the error says `apt-get install dataset-fashion-mnist`.
 *
 * @example
 * ```ts
 * import { DatasetNotFoundError, fashionMnist } from "@nnc/datasets";
 * try {
 *   const { images, labels, classes } = await fashionMnist({ split: "test" });
 *   console.assert(images.shape.join() === "10000,1,28,28" && labels.dtype === "int32" && classes[9] === "Ankle boot");
 * } catch (e) {
 *   console.assert(e instanceof DatasetNotFoundError); // package not installed
 * }
 * ```
 */
export async function fashionMnist(options: MnistOptions = {}): Promise<ImageClassificationData> {
  const split = checkSplit(options, "fashionMnist");
  const root = env("NNC_DATA");
  const dirs = options.dir !== undefined
    ? [checkDir(options.dir, "fashionMnist")]
    : [...(root === undefined ? [] : [`${root}/fashion-mnist`]), FASHION_MNIST_DIR];
  const howTo = options.dir !== undefined
    ? "Put the Fashion-MNIST IDX files there, or omit dir to use the Debian package (apt-get install dataset-fashion-mnist)."
    : "Install it with: sudo apt-get install dataset-fashion-mnist";
  return await loadFrom("fashionMnist", dirs, split, options.flat ?? false, [
    ...FASHION_MNIST_CLASSES,
  ], howTo);
}

function checkSplit(options: MnistOptions, op: string): "train" | "test" {
  const o = checkOptions(options, op);
  checkBool(o.flat ?? false, op, "flat");
  return checkOneOf(o.split ?? "train", op, "split", ["train", "test"]);
}

function checkDir(dir: unknown, op: string): string {
  if (typeof dir !== "string" || dir.length === 0) {
    throw new TypeError(`${op}: dir must be a folder path, got ${describe(dir)}`);
  }
  return dir.replace(/\/+$/, "") || "/";
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

async function findFile(
  dir: string,
  prefix: string,
  kind: "images" | "labels",
): Promise<string | undefined> {
  const n = kind === "images" ? 3 : 1;
  for (const base of [`${prefix}-${kind}-idx${n}-ubyte`, `${prefix}-${kind}.idx${n}-ubyte`]) {
    for (const name of [`${base}.gz`, base]) {
      const path = `${dir}/${name}`;
      try {
        if ((await Deno.stat(path)).isFile) return path;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  return undefined;
}

async function loadFrom(
  op: string,
  dirs: string[],
  split: "train" | "test",
  flat: boolean,
  classes: string[],
  howTo: string,
): Promise<ImageClassificationData> {
  const prefix = split === "train" ? "train" : "t10k";
  for (const dir of dirs) {
    const imagesPath = await findFile(dir, prefix, "images");
    const labelsPath = await findFile(dir, prefix, "labels");
    if (imagesPath !== undefined && labelsPath !== undefined) {
      return await decodePair(op, imagesPath, labelsPath, flat, classes);
    }
  }
  throw new DatasetNotFoundError(
    `${op}: no ${prefix}-images-idx3-ubyte[.gz] and ${prefix}-labels-idx1-ubyte[.gz] in ${
      dirs.join(" or ")
    }. ${howTo}`,
  );
}

async function readPlain(path: string): Promise<Uint8Array> {
  const bytes = await Deno.readFile(path);
  return isGzip(bytes) ? await gunzip(bytes, { name: path }) : bytes;
}

async function decodePair(
  op: string,
  imagesPath: string,
  labelsPath: string,
  flat: boolean,
  classes: string[],
): Promise<ImageClassificationData> {
  const [imageBytes, labelBytes] = await Promise.all([
    readPlain(imagesPath),
    readPlain(labelsPath),
  ]);
  const ih = decodeIdxHeader(imageBytes, { name: imagesPath });
  if (ih.type !== "u8" || ih.shape.length !== 3 || ih.shape[1] !== 28 || ih.shape[2] !== 28) {
    throw new DataFormatError(
      op,
      { file: imagesPath, offset: 2 },
      `expected unsigned-byte images of shape [N, 28, 28], found ${ih.type} [${
        ih.shape.join(", ")
      }]`,
    );
  }
  const lh = decodeIdxHeader(labelBytes, { name: labelsPath });
  if (lh.type !== "u8" || lh.shape.length !== 1) {
    throw new DataFormatError(
      op,
      { file: labelsPath, offset: 2 },
      `expected unsigned-byte labels of shape [N], found ${lh.type} [${lh.shape.join(", ")}]`,
    );
  }
  if (lh.shape[0] !== ih.shape[0]) {
    throw new DataFormatError(
      op,
      { file: labelsPath, offset: 4 },
      `${lh.shape[0]} labels for ${ih.shape[0]} images in ${imagesPath}`,
    );
  }
  for (let i = lh.dataOffset; i < labelBytes.length; i++) {
    if (labelBytes[i] >= classes.length) {
      throw new DataFormatError(
        op,
        { file: labelsPath, offset: i },
        `label ${labelBytes[i]} is not a class index below ${classes.length}`,
      );
    }
  }
  const images = decodeIdx(imageBytes, { name: imagesPath, normalize: true });
  const n = ih.shape[0];
  return {
    images: flat ? images.reshape(n, 784) : images.reshape(n, 1, 28, 28),
    labels: decodeIdx(labelBytes, { name: labelsPath }),
    classes,
  };
}
