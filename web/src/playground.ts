/**
 * The Playground's model and training loop, free of DOM and Deno APIs: the page's worker runs it,
 * and the browser test runs it again in Deno to check that the same seed gives the same weights.
 * One {@link Playground.step} is one minibatch SGD update; everything random (data, weights,
 * shuffling) comes from generators seeded by the config, so the weights after N steps do not
 * depend on how the steps were grouped into frames.
 *
 * @module
 */
import { array, indexSelect, NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  bceWithLogits,
  Identity,
  Linear,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { blobs, circles, spirals, twoMoons, xor } from "@nnc/datasets";
import {
  type ActivationName,
  DATASETS,
  DEFAULT_CONFIG,
  DOMAIN,
  type FeatureName,
  type PlaygroundConfig,
  type Scores,
} from "./config.ts";

export * from "./config.ts";

interface Points {
  /** Raw coordinates `[n, 2]`. */
  xy: NDArray;
  /** Features `[n, F]`. */
  x: NDArray;
  /** Labels 0/1 as float `[n, 1]`. */
  y: NDArray;
}

/** Points of a data set in the page's coordinates (about [-5, 5]²) with 0/1 labels. */
export function makeData(config: PlaygroundConfig, rng: Rng): { xy: Float32Array; y: Int32Array } {
  const n = config.points, noise = config.noise;
  let d: { x: NDArray; y: NDArray };
  let scale = 5, shift = [0, 0];
  switch (config.dataset) {
    case "circles":
      d = circles({ n, layout: "playground", noise, rng });
      scale = 1;
      break;
    case "xor":
      d = xor({ n, noise: 0.4 * noise, rng });
      break;
    case "spirals":
      d = spirals({ n, noise: 0.4 * noise, rng, turns: 1.25 });
      break;
    case "moons":
      d = twoMoons({ n, noise: 0.4 * noise, rng });
      scale = 3.2;
      shift = [-0.5, -0.25];
      break;
    case "blobs":
      d = blobs({ n, centers: [[-2.5, -2.5], [2.5, 2.5]], std: 0.8 + 4 * noise, rng });
      scale = 1;
      break;
    default:
      throw new RangeError(`Playground: unknown data set ${JSON.stringify(config.dataset)}`);
  }
  const src = d.x.contiguous().astype("float32");
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const v = (src.data[src.offset + 2 * i + k] + shift[k]) * scale;
      xy[2 * i + k] = Math.max(-DOMAIN, Math.min(DOMAIN, v));
    }
  }
  const labels = d.y.contiguous();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = labels.data[labels.offset + i] > 0 ? 1 : 0;
  return { xy, y };
}

/** The chosen features of coordinates `xy` (pairs), as `[n, F]`. */
export function featuresOf(xy: Float32Array, features: readonly FeatureName[]): NDArray {
  const n = xy.length / 2, f = features.length;
  const out = new Float32Array(n * f);
  for (let i = 0; i < n; i++) {
    const a = xy[2 * i], b = xy[2 * i + 1];
    for (let j = 0; j < f; j++) {
      let v: number;
      switch (features[j]) {
        case "x1":
          v = a;
          break;
        case "x2":
          v = b;
          break;
        case "x1²":
          v = a * a;
          break;
        case "x2²":
          v = b * b;
          break;
        case "x1·x2":
          v = a * b;
          break;
        case "sin x1":
          v = Math.sin(a);
          break;
        case "sin x2":
          v = Math.sin(b);
          break;
        default:
          throw new RangeError(`Playground: unknown feature ${JSON.stringify(features[j])}`);
      }
      out[i * f + j] = v;
    }
  }
  return NDArray.fromTyped(out, [n, f]);
}

function activation(name: ActivationName): AnyModule {
  switch (name) {
    case "tanh":
      return new Tanh();
    case "relu":
      return new ReLU();
    case "sigmoid":
      return new Sigmoid();
    case "linear":
      return new Identity();
    default:
      throw new RangeError(`Playground: unknown activation ${JSON.stringify(name)}`);
  }
}

/** Checks a config and fills missing fields from {@link DEFAULT_CONFIG}. */
export function resolveConfig(config: Partial<PlaygroundConfig>): PlaygroundConfig {
  const c = { ...DEFAULT_CONFIG, ...config };
  if (!DATASETS.includes(c.dataset)) throw new RangeError(`unknown data set ${c.dataset}`);
  if (c.features.length === 0) throw new RangeError("Playground: choose at least one feature");
  if (c.hidden.some((w) => !Number.isInteger(w) || w < 1 || w > 8) || c.hidden.length > 6) {
    throw new RangeError(
      `Playground: hidden layers must be 0–6 layers of 1–8 units, got ${c.hidden}`,
    );
  }
  if (!(c.trainFraction > 0 && c.trainFraction < 1)) {
    throw new RangeError(`Playground: trainFraction must be in (0, 1), got ${c.trainFraction}`);
  }
  return c;
}

/** A network, its data and its optimiser, stepped one minibatch at a time. */
export class Playground {
  readonly config: PlaygroundConfig;
  readonly net: Sequential;
  /** Training and test points. */
  readonly train: Points;
  readonly test: Points;
  /** Minibatch updates done so far. */
  steps = 0;
  readonly #optimizer: SGD;
  readonly #shuffle: Rng;
  #order: Int32Array;
  #cursor: number;
  readonly #weights: Tensor[];

  constructor(config: Partial<PlaygroundConfig> = {}) {
    const c = resolveConfig(config);
    this.config = c;
    // One generator per purpose, all derived from the seed, so that changing e.g. the network
    // leaves the data as it was.
    const dataRng = new Rng(c.seed), initRng = new Rng(c.seed + 1);
    this.#shuffle = new Rng(c.seed + 2);
    const { xy, y } = makeData(c, dataRng);
    const n = y.length, nTrain = Math.max(1, Math.min(n - 1, Math.round(n * c.trainFraction)));
    // Split after a seeded permutation: the generators list points class by class.
    const perm = dataRng.permutation(n);
    const split = (ids: ArrayLike<number>): Points => {
      const pxy = new Float32Array(2 * ids.length), py = new Float32Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        pxy[2 * i] = xy[2 * ids[i]];
        pxy[2 * i + 1] = xy[2 * ids[i] + 1];
        py[i] = y[ids[i]];
      }
      return {
        xy: NDArray.fromTyped(pxy, [ids.length, 2]),
        x: featuresOf(pxy, c.features),
        y: NDArray.fromTyped(py, [ids.length, 1]),
      };
    };
    this.train = split(perm.subarray(0, nTrain));
    this.test = split(perm.subarray(nTrain));
    const widths = [c.features.length, ...c.hidden];
    const layers: AnyModule[] = [];
    for (let i = 1; i < widths.length; i++) {
      layers.push(new Linear(widths[i - 1], widths[i], { rng: initRng }), activation(c.activation));
    }
    layers.push(new Linear(widths.at(-1)!, 1, { rng: initRng }));
    this.net = new Sequential(...layers);
    this.#weights = this.net.namedParameters().filter(([name]) => name.endsWith("weight"))
      .map(([, p]) => p);
    this.#optimizer = new SGD(this.net.parameters(), { lr: c.learningRate });
    this.#order = this.#shuffle.permutation(nTrain);
    this.#cursor = 0;
  }

  /** Completed passes over the training set. */
  get epoch(): number {
    return Math.floor((this.steps * this.config.batchSize) / this.train.y.shape[0]);
  }

  /** One SGD update on the next minibatch (reshuffled after each pass). */
  step(): void {
    const c = this.config, nTrain = this.train.y.shape[0];
    const size = Math.min(c.batchSize, nTrain - this.#cursor);
    const ids = array(Array.from(this.#order.subarray(this.#cursor, this.#cursor + size)), {
      dtype: "int32",
    });
    this.#cursor += size;
    if (this.#cursor >= nTrain) {
      this.#order = this.#shuffle.permutation(nTrain);
      this.#cursor = 0;
    }
    const xb = new Tensor(indexSelect(this.train.x, 0, ids));
    const yb = indexSelect(this.train.y, 0, ids);
    let loss = bceWithLogits(this.net.forward(xb), yb);
    if (c.regularization !== "none" && c.regularizationRate > 0) {
      let penalty: Tensor | null = null;
      for (const w of this.#weights) {
        const term = c.regularization === "l1" ? w.abs().sum() : w.mul(w).sum().mul(0.5);
        penalty = penalty === null ? term : penalty.add(term);
      }
      if (penalty !== null) loss = loss.add(penalty.mul(c.regularizationRate));
    }
    this.#optimizer.zeroGrad();
    loss.backward();
    this.#optimizer.step();
    this.steps++;
  }

  /** Logits of the network for a feature matrix. */
  #logits(x: NDArray): Float32Array {
    const out = noGrad(() => this.net.forward(new Tensor(x))).data.contiguous().astype("float32");
    return out.data.subarray(out.offset, out.offset + out.size) as Float32Array;
  }

  /** Mean cross-entropy and accuracy on both sets. */
  scores(): Scores {
    const score = (p: Points) => {
      const z = this.#logits(p.x), y = p.y.data;
      let loss = 0, correct = 0;
      for (let i = 0; i < z.length; i++) {
        // log(1 + e^-|z|) + max(z, 0) − y z: the stable binary cross-entropy with logits
        loss += Math.max(z[i], 0) - y[i] * z[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
        if ((z[i] > 0 ? 1 : 0) === y[i]) correct++;
      }
      return [loss / z.length, correct / z.length];
    };
    const [trainLoss, trainAccuracy] = score(this.train);
    const [testLoss, testAccuracy] = score(this.test);
    return { trainLoss, testLoss, trainAccuracy, testAccuracy };
  }

  /**
   * The network's probability of class 1 on a `size × size` grid over [-6, 6]² (row 0 at the
   * top, y = +6), and every hidden unit's output on the same grid, layer by layer.
   */
  probe(size: number): { output: Float32Array; hidden: Float32Array[] } {
    const xy = new Float32Array(2 * size * size);
    for (let r = 0; r < size; r++) {
      for (let col = 0; col < size; col++) {
        const i = r * size + col;
        xy[2 * i] = -DOMAIN + (2 * DOMAIN * (col + 0.5)) / size;
        xy[2 * i + 1] = DOMAIN - (2 * DOMAIN * (r + 0.5)) / size;
      }
    }
    const hidden: Float32Array[] = [];
    let h = new Tensor(featuresOf(xy, this.config.features));
    const mods = this.net.children();
    noGrad(() => {
      for (let i = 0; i < mods.length; i++) {
        h = (mods[i] as unknown as { forward(x: Tensor): Tensor }).forward(h);
        // After each activation (odd positions) the hidden layer's units, one grid each.
        if (i % 2 === 1) {
          const a = h.data.contiguous().astype("float32");
          const units = a.shape[1];
          for (let u = 0; u < units; u++) {
            const g = new Float32Array(size * size);
            for (let k = 0; k < g.length; k++) g[k] = a.data[a.offset + k * units + u];
            hidden.push(g);
          }
        }
      }
    });
    const z = h.data.contiguous().astype("float32");
    const output = new Float32Array(size * size);
    for (let k = 0; k < output.length; k++) output[k] = 1 / (1 + Math.exp(-z.data[z.offset + k]));
    return { output, hidden };
  }

  /** The parameters by name, as plain number arrays. */
  weights(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, p] of this.net.namedParameters()) {
      const a = p.data.contiguous();
      out[name] = Array.from(a.data.subarray(a.offset, a.offset + a.size));
    }
    return out;
  }
}
