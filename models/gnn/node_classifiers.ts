/**
 * Node classifiers: {@link GCN} (Kipf & Welling's graph convolutional network) and {@link GAT}
 * (Veličković et al.'s graph attention network). Each maps node features and edges to one row of
 * class logits per node; train them with cross-entropy on the labelled nodes only
 * (semi-supervised node classification).
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  NDArray,
  type Rng,
} from "@nnc/tensor";
import { dropout, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  type EdgeIndexLike,
  type EdgeWeightLike,
  elu,
  GATConv,
  GCNConv,
  Module,
  ModuleList,
} from "@nnc/layers";
import { activationFactory, type ActivationSpec } from "../_common/activation.ts";
import { checkWeightSize, layerOptions } from "../_common/validate.ts";

/** Node features as a Tensor (an NDArray is wrapped as a constant), or a TypeError naming `op`. */
function nodeInput(x: unknown, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof NDArray) return new Tensor(x);
  throw new TypeError(`${op}: x must be a Tensor or an NDArray, got ${describe(x)}`);
}

/** Options of {@link GCN}. */
export interface GCNOptions {
  /** Features per node. */
  inChannels: number;
  /** Widths of the hidden graph convolutions (one number for one hidden layer). Default 16. */
  hiddenChannels?: number | readonly number[];
  /** Number of classes (width of the last convolution). */
  outChannels: number;
  /** Activation after each hidden convolution. Default `"relu"`. */
  activation?: ActivationSpec;
  /** Dropout before every convolution but the first (Kipf & Welling: 0.5). Default 0.5. */
  dropout?: number;
  /** Cache the normalised adjacency (one fixed graph, transductive training). Default false. */
  cached?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for weights and dropout masks. */
  rng?: Rng;
}

function widths(v: unknown, fallback: number[], op: string): number[] {
  const list = v === undefined ? fallback : typeof v === "number" ? [v] : v;
  if (!Array.isArray(list)) {
    throw new TypeError(
      `${op}: hiddenChannels must be a number or a list of numbers, got ${describe(v)}`,
    );
  }
  return list.map((w, i) => checkInt(w, op, `hiddenChannels[${i}]`, 1));
}

/**
 * Graph convolutional network (Kipf & Welling, 2017): `GCNConv → act → dropout → … → GCNConv`,
 * ending in one logit per class for each node. `embed` returns the last hidden representation
 * (with `hiddenChannels` ending in 2, a 2-d embedding to plot).
 *
 * @example
 * ```ts
 * import { GCN } from "@nnc/models/gnn";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const gcn = new GCN({ inChannels: 5, hiddenChannels: [8, 2], outChannels: 3, rng: new Rng(0) });
 * const edges = [[0, 1, 2, 3], [1, 2, 3, 0]];
 * console.assert(gcn.forward(randn([4, 5]), edges).shape.join() === "4,3");
 * console.assert(gcn.embed(randn([4, 5]), edges).shape.join() === "4,2");
 * ```
 */
export class GCN extends Module<[Tensor, EdgeIndexLike, (EdgeWeightLike | null)?], Tensor> {
  /** The graph convolutions, first to last. */
  convs: ModuleList<GCNConv>;
  /** Dropout probability. */
  readonly dropout: number;
  readonly #act: AnyModule[];
  readonly #rng: Rng | undefined;

  /** A GCN as `options` describe. */
  constructor(options: GCNOptions) {
    super();
    const op = "GCN";
    const o = checkOptions(options, op);
    const sizes = [
      checkInt(o.inChannels, op, "inChannels", 1),
      ...widths(o.hiddenChannels, [16], op),
      checkInt(o.outChannels, op, "outChannels", 1),
    ];
    this.dropout = checkProbability(o.dropout ?? 0.5, op, "dropout");
    const act = activationFactory(o.activation, op);
    const { dtype, rng } = layerOptions(o, op);
    const cached = checkBool(o.cached ?? false, op, "cached");
    for (let i = 1; i < sizes.length; i++) {
      checkWeightSize(op, `layer ${i}'s weight`, sizes[i - 1], sizes[i]);
    }
    this.convs = new ModuleList<GCNConv>(
      sizes.slice(1).map((w, i) => new GCNConv(sizes[i], w, { cached, dtype, rng })),
    );
    this.#act = sizes.slice(2).map(() => act());
    this.#rng = rng;
  }

  /** The last hidden representation `[N, hiddenChannels.at(-1)]`. */
  embed(x: Tensor, edgeIndex: EdgeIndexLike, edgeWeight: EdgeWeightLike | null = null): Tensor {
    const convs = [...this.convs];
    let h = nodeInput(x, "GCN");
    for (let i = 0; i < convs.length - 1; i++) {
      if (i > 0) h = dropout(h, { p: this.dropout, training: this.training, rng: this.#rng });
      h = (this.#act[i] as unknown as Module<[Tensor], Tensor>).forward(
        convs[i].forward(h, edgeIndex, edgeWeight),
      );
    }
    return h;
  }

  /** Class logits `[N, outChannels]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike, edgeWeight: EdgeWeightLike | null = null): Tensor {
    const convs = [...this.convs];
    const h = dropout(this.embed(x, edgeIndex, edgeWeight), {
      p: this.dropout,
      training: this.training,
      rng: this.#rng,
    });
    return convs[convs.length - 1].forward(h, edgeIndex, edgeWeight);
  }
}

/** Options of {@link GAT}. */
export interface GATOptions {
  /** Features per node. */
  inChannels: number;
  /** Features per head of the hidden layer. Default 8. */
  hiddenChannels?: number;
  /** Heads of the hidden layer (concatenated). Default 8. */
  heads?: number;
  /** Number of classes. */
  outChannels: number;
  /** Heads of the output layer (averaged). Default 1. */
  outHeads?: number;
  /** Dropout of the inputs of both layers and of the attention coefficients. Default 0.6. */
  dropout?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for weights and dropout masks. */
  rng?: Rng;
}

/**
 * Graph attention network (Veličković et al., 2018): dropout → `GATConv` (multi-head, concat) →
 * ELU → dropout → `GATConv` (heads averaged), one logit per class for each node.
 *
 * @example
 * ```ts
 * import { GAT } from "@nnc/models/gnn";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const gat = new GAT({ inChannels: 5, heads: 2, hiddenChannels: 4, outChannels: 3, rng: new Rng(0) });
 * console.assert(gat.forward(randn([4, 5]), [[0, 1], [1, 2]]).shape.join() === "4,3");
 * ```
 */
export class GAT extends Module<[Tensor, EdgeIndexLike], Tensor> {
  /** Hidden attention layer. */
  conv1: GATConv;
  /** Output attention layer. */
  conv2: GATConv;
  /** Dropout probability. */
  readonly dropout: number;
  readonly #rng: Rng | undefined;

  /** A GAT as `options` describe. */
  constructor(options: GATOptions) {
    super();
    const op = "GAT";
    const o = checkOptions(options, op);
    const hidden = checkInt(o.hiddenChannels ?? 8, op, "hiddenChannels", 1);
    const heads = checkInt(o.heads ?? 8, op, "heads", 1);
    this.dropout = checkProbability(o.dropout ?? 0.6, op, "dropout");
    const { dtype, rng } = layerOptions(o, op);
    const common = { dropout: this.dropout, dtype, rng };
    const inC = checkInt(o.inChannels, op, "inChannels", 1);
    const outC = checkInt(o.outChannels, op, "outChannels", 1);
    const outHeads = checkInt(o.outHeads ?? 1, op, "outHeads", 1);
    checkWeightSize(op, "inChannels × heads × hiddenChannels", inC, heads, hidden);
    checkWeightSize(
      op,
      "heads × hiddenChannels × outHeads × outChannels",
      heads,
      hidden,
      outHeads,
      outC,
    );
    this.conv1 = new GATConv(inC, hidden, { ...common, heads });
    this.conv2 = new GATConv(hidden * heads, outC, { ...common, heads: outHeads, concat: false });
    this.#rng = rng;
  }

  /** Class logits `[N, outChannels]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    const drop = (t: Tensor) =>
      dropout(t, { p: this.dropout, training: this.training, rng: this.#rng });
    const h = elu(this.conv1.forward(drop(nodeInput(x, "GAT")), edgeIndex));
    return this.conv2.forward(drop(h), edgeIndex);
  }
}
