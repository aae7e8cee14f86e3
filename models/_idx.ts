// A minimal IDX reader (the MNIST family's format), gzip or plain, for the examples and benchmarks.
// A proper datasets package replaces it later.
import { NDArray } from "@nnc/tensor";

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** A decoded IDX file: its shape and its unsigned bytes (the only element type used by MNIST). */
export interface IdxFile {
  /** Dimensions from the header. */
  shape: number[];
  /** The elements, row-major. */
  data: Uint8Array;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads an IDX file of unsigned bytes (type 0x08); gzip is detected by its magic number. */
export async function readIdx(path: string): Promise<IdxFile> {
  let bytes: Uint8Array = await Deno.readFile(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzip(bytes);
    } catch (e) {
      throw new RangeError(`readIdx: ${path} is not valid gzip (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4) {
    throw new RangeError(
      `readIdx: ${path} is ${bytes.length} bytes; an IDX header needs at least 4 (at byte offset 0)`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(
      `readIdx: ${path} has magic bytes ${bytes[0]}, ${
        bytes[1]
      } at byte offset 0; expected 0, 0 (an IDX file)`,
    );
  }
  if (bytes[2] !== 0x08) {
    throw new RangeError(
      `readIdx: ${path} has element type 0x${
        bytes[2].toString(16)
      } at byte offset 2; only unsigned bytes (0x08) are supported`,
    );
  }
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (bytes.length < header) {
    throw new RangeError(
      `readIdx: ${path} ends at byte offset ${bytes.length} inside its ${ndim}-d header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    size *= d;
  }
  if (bytes.length !== header + size) {
    throw new RangeError(
      `readIdx: ${path} has ${
        bytes.length - header
      } data bytes after the header at byte offset ${header}; shape [${
        shape.join(", ")
      }] needs ${size}`,
    );
  }
  return { shape, data: bytes.subarray(header) };
}

/** Fashion-MNIST images as float32 `[n, 784]` in [0, 1] and their labels. */
export interface FashionMnist {
  /** Pixels divided by 255, one image per row. */
  images: NDArray;
  /** Class of each image (0–9). */
  labels: Int32Array;
}

/** The Fashion-MNIST class names, by label. */
export const FASHION_CLASSES: readonly string[] = [
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
];

/**
 * Loads the training (60,000) or test (10,000) split; throws an Error that says how to install the data
 * set when the files are missing.
 */
export async function loadFashionMnist(
  split: "train" | "test" = "train",
  dir = FASHION_MNIST_DIR,
): Promise<FashionMnist> {
  const prefix = split === "train" ? "train" : "t10k";
  const find = async (stem: string): Promise<string> => {
    for (const name of [`${stem}.gz`, stem]) {
      try {
        await Deno.stat(`${dir}/${name}`);
        return `${dir}/${name}`;
      } catch { /* try the next name */ }
    }
    throw new Error(
      `Fashion-MNIST not found: no ${dir}/${stem}[.gz]. Install Debian's package (apt-get install dataset-fashion-mnist) or pass the folder holding the IDX files.`,
    );
  };
  const img = await readIdx(await find(`${prefix}-images-idx3-ubyte`));
  const lab = await readIdx(await find(`${prefix}-labels-idx1-ubyte`));
  const n = img.shape[0], d = img.shape.slice(1).reduce((a, b) => a * b, 1);
  if (lab.shape[0] !== n) {
    throw new RangeError(`loadFashionMnist: ${n} images but ${lab.shape[0]} labels in ${dir}`);
  }
  const pixels = new Float32Array(n * d);
  for (let i = 0; i < pixels.length; i++) pixels[i] = img.data[i] / 255;
  return { images: NDArray.fromTyped(pixels, [n, d]), labels: Int32Array.from(lab.data) };
}
