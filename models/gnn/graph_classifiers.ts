/**
 * Graph classifiers: {@link GraphClassifier} (message-passing layers, a permutation-invariant
 * readout, an MLP head) and {@link GraphTransformerClassifier}, the mock final's graph
 * transformer with a binary readout.
 *
 * @module
 */
import {
  checkBool,
  checkIndexList,
  checkInt,
  checkOneOf,
  checkOptions,
  checkProbability,
  describe,
  type DType,
  fmtShape,
  NDArray,
  type Rng,
} from "@nnc/tensor";
import { concat, dropout, Tensor } from "@nnc/autograd";
import {
  AttentionalAggregation,
  type BatchLike,
  type EdgeIndexLike,
  GATConv,
  GCNConv,
  GINConv,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
  GraphConv,
  GraphTransformerLayer,
  Linear,
  Module,
  ModuleList,
  ReLU,
  SAGEConv,
  Sequential,
} from "@nnc/layers";
import { checkWeightSize, layerOptions } from "../_common/validate.ts";

/**
 * Node features `x` `[N, inChannels]` (N ≥ 1) as a Tensor and an edge index `[2, E]` of nodes in
 * `0..N-1`, checked so that errors name the classifier `op`.
 */
function graphInputs(op: string, x: unknown, edgeIndex: unknown, inChannels: number): Tensor {
  const t = x instanceof Tensor ? x : x instanceof NDArray ? new Tensor(x) : null;
  if (t === null) {
    throw new TypeError(`${op}: x must be a Tensor or an NDArray, got ${describe(x)}`);
  }
  if (t.ndim !== 2 || t.shape[0] === 0 || t.shape[1] !== inChannels) {
    throw new RangeError(
      `${op}: x must be [numNodes ≥ 1, ${inChannels}] (inChannels), got ${fmtShape(t.shape)}`,
    );
  }
  const raw = edgeIndex instanceof Tensor ? edgeIndex.data : edgeIndex;
  let rows: [unknown, unknown];
  if (raw instanceof NDArray && raw.ndim === 2 && raw.shape[0] === 2) {
    rows = [raw.slice(0), raw.slice(1)];
  } else if (Array.isArray(raw) && raw.length === 2) {
    rows = [raw[0], raw[1]];
  } else {
    throw new TypeError(
      `${op}: edgeIndex must be an int32 [2, numEdges] array or two lists of node indices, got ${
        describe(edgeIndex)
      }`,
    );
  }
  const n = t.shape[0];
  const a = checkIndexList(rows[0], n, op, "edgeIndex[0]"),
    b = checkIndexList(rows[1], n, op, "edgeIndex[1]");
  if (a.size !== b.size) {
    throw new RangeError(
      `${op}: edgeIndex rows differ in length (${a.size} sources, ${b.size} targets)`,
    );
  }
  return t;
}

/** The message-passing layers {@link GraphClassifier} can stack. */
export type GraphConvKind = "gin" | "gcn" | "sage" | "graph" | "gat";

/** The readouts {@link GraphClassifier} can pool with. */
export type GraphReadout = "sum" | "mean" | "max" | "attention";

/** Options of {@link GraphClassifier}. */
export interface GraphClassifierOptions {
  /** Features per node. */
  inChannels: number;
  /** Width of every message-passing layer. Default 64. */
  hiddenChannels?: number;
  /** Number of message-passing layers. Default 3. */
  numLayers?: number;
  /** Number of classes. */
  outChannels: number;
  /** Layer type. Default `"gin"` (with a two-layer MLP per layer). */
  conv?: GraphConvKind;
  /** Readout. Default `"sum"` (the most discriminative, as in GIN). */
  readout?: GraphReadout;
  /**
   * Pool every layer's node features and concatenate them (Xu et al.'s "jumping knowledge"), so
   * the head sees every radius; false pools the last layer only. Default true.
   */
  jumpingKnowledge?: boolean;
  /** Dropout in the head. Default 0.5. */
  dropout?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for weights and dropout masks. */
  rng?: Rng;
}

/**
 * A graph classifier: `numLayers` message-passing layers with ReLU, a readout per graph of a
 * batch (`batch[i]` = the graph of node `i`), and an MLP head to one logit per class. Invariant to
 * the order of each graph's nodes.
 *
 * @example
 * ```ts
 * import { GraphClassifier } from "@nnc/models/gnn";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = new GraphClassifier({ inChannels: 3, hiddenChannels: 8, outChannels: 2, rng: new Rng(0) });
 * // Two graphs: nodes 0–2 and 3–4.
 * const logits = net.forward(randn([5, 3]), [[0, 1, 3], [1, 2, 4]], [0, 0, 0, 1, 1]);
 * console.assert(logits.shape.join() === "2,2");
 * ```
 */
export class GraphClassifier extends Module<[Tensor, EdgeIndexLike, BatchLike, number?], Tensor> {
  /** The message-passing layers. */
  convs: ModuleList<Module<[Tensor, EdgeIndexLike], Tensor>>;
  /** Attention pooling (readout `"attention"`), or null. */
  pool: AttentionalAggregation | null;
  /** `Linear → ReLU → Linear` from the pooled features to the logits. */
  head1: Linear;
  /** Second layer of the head. */
  head2: Linear;
  /** The readout. */
  readonly readout: GraphReadout;
  /** Whether every layer is pooled. */
  readonly jumpingKnowledge: boolean;
  /** Head dropout. */
  readonly dropout: number;
  readonly #rng: Rng | undefined;
  readonly #inChannels: number;

  /** A classifier as `options` describe. */
  constructor(options: GraphClassifierOptions) {
    super();
    const op = "GraphClassifier";
    const o = checkOptions(options, op);
    const inC = checkInt(o.inChannels, op, "inChannels", 1);
    const hidden = checkInt(o.hiddenChannels ?? 64, op, "hiddenChannels", 1);
    const layers = checkInt(o.numLayers ?? 3, op, "numLayers", 1);
    const outC = checkInt(o.outChannels, op, "outChannels", 1);
    const kind = checkOneOf(
      o.conv ?? "gin",
      op,
      "conv",
      ["gin", "gcn", "sage", "graph", "gat"] as const,
    );
    this.readout = checkOneOf(
      o.readout ?? "sum",
      op,
      "readout",
      ["sum", "mean", "max", "attention"] as const,
    );
    this.jumpingKnowledge = checkBool(o.jumpingKnowledge ?? true, op, "jumpingKnowledge");
    this.dropout = checkProbability(o.dropout ?? 0.5, op, "dropout");
    const common = layerOptions(o, op);
    const pooledWidth = this.jumpingKnowledge ? hidden * layers : hidden;
    checkWeightSize(op, "inChannels × hiddenChannels", inC, hidden);
    checkWeightSize(op, "hiddenChannels × numLayers × hiddenChannels", pooledWidth, hidden);
    checkWeightSize(op, "hiddenChannels × outChannels", hidden, outC);
    this.#inChannels = inC;
    const make = (i: number): Module<[Tensor, EdgeIndexLike], Tensor> => {
      const cin = i === 0 ? inC : hidden;
      switch (kind) {
        case "gin":
          return new GINConv(
            new Sequential(
              new Linear(cin, hidden, common),
              new ReLU(),
              new Linear(hidden, hidden, common),
            ),
            { trainEps: true },
          );
        case "gcn":
          return new GCNConv(cin, hidden, common);
        case "sage":
          return new SAGEConv(cin, hidden, common);
        case "graph":
          return new GraphConv(cin, hidden, common);
        case "gat":
          return new GATConv(cin, hidden, common);
      }
    };
    this.convs = new ModuleList(Array.from({ length: layers }, (_, i) => make(i)));
    const pooled = this.jumpingKnowledge ? hidden * layers : hidden;
    this.pool = this.readout === "attention"
      ? new AttentionalAggregation(new Linear(pooled, 1, common))
      : null;
    this.head1 = new Linear(pooled, hidden, common);
    this.head2 = new Linear(hidden, outC, common);
    this.#rng = common.rng;
  }

  /** `x` `[N, in]`, edges, the graph of each node (`[N]`) → logits `[numGraphs, out]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike, batch: BatchLike, numGraphs?: number): Tensor {
    const states: Tensor[] = [];
    let h = graphInputs("GraphClassifier", x, edgeIndex, this.#inChannels);
    for (const conv of this.convs) {
      h = conv.forward(h, edgeIndex).relu();
      states.push(h);
    }
    const nodes = this.jumpingKnowledge ? concat(states, 1) : h;
    const g = this.#pool(nodes, batch, numGraphs);
    const hidden = dropout(this.head1.forward(g).relu(), {
      p: this.dropout,
      training: this.training,
      rng: this.#rng,
    });
    return this.head2.forward(hidden);
  }

  #pool(h: Tensor, batch: BatchLike, size?: number): Tensor {
    switch (this.readout) {
      case "sum":
        return globalAddPool(h, batch, size);
      case "mean":
        return globalMeanPool(h, batch, size);
      case "max":
        return globalMaxPool(h, batch, size);
      case "attention":
        return this.pool!.forward(h, batch, size);
    }
  }
}

/** Options of {@link GraphTransformerClassifier}. */
export interface GraphTransformerClassifierOptions {
  /** Features per node. */
  inChannels: number;
  /** Width of the transformer. Default 32. */
  dModel?: number;
  /** Attention heads. Default 4. */
  nHead?: number;
  /** Transformer layers L (each node sees its L-hop neighbourhood). Default 2. */
  numLayers?: number;
  /** Hidden size of each feed-forward network. Default 64. */
  dimFeedforward?: number;
  /** Dropout inside the layers. Default 0.1. */
  dropout?: number;
  /**
   * `"mean"` or `"sum"` pool the nodes, then `w·r + b`; `"nodeWeights"` is the mock final's
   * `Σ_v w_vᵀ x_v + b` with one weight vector per node, only for graphs of exactly `numNodes`
   * nodes in a fixed order. Default `"mean"`.
   */
  readout?: "mean" | "sum" | "nodeWeights";
  /** Nodes per graph (required by `"nodeWeights"`). */
  numNodes?: number;
  /** Let every node attend to itself. Default true. */
  addSelfLoops?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator for weights and dropout masks. */
  rng?: Rng;
}

/**
 * The mock final's graph transformer for binary graph classification: a linear embedding of the
 * node features, L {@link GraphTransformerLayer}s (attention along the edges, add & norm,
 * feed-forward, add & norm) and a readout to one logit per graph, `f = σ(logit)`, trained with
 * binary cross-entropy (`bceWithLogits`).
 *
 * @example
 * ```ts
 * import { GraphTransformerClassifier } from "@nnc/models/gnn";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = new GraphTransformerClassifier({ inChannels: 3, dModel: 8, nHead: 2, rng: new Rng(0) });
 * const logits = net.forward(randn([5, 3]), [[0, 1, 3], [1, 2, 4]], [0, 0, 0, 1, 1]);
 * console.assert(logits.shape.join() === "2");
 * ```
 */
export class GraphTransformerClassifier
  extends Module<[Tensor, EdgeIndexLike, BatchLike, number?], Tensor> {
  /** Node features → `dModel`. */
  embed: Linear;
  /** The transformer layers. */
  layers: ModuleList<GraphTransformerLayer>;
  /** The readout's weights. */
  head: Linear;
  /** The readout. */
  readonly readout: "mean" | "sum" | "nodeWeights";
  /** Nodes per graph for `"nodeWeights"`, else null. */
  readonly numNodes: number | null;
  readonly #inChannels: number;

  /** A classifier as `options` describe. */
  constructor(options: GraphTransformerClassifierOptions) {
    super();
    const op = "GraphTransformerClassifier";
    const o = checkOptions(options, op);
    const dModel = checkInt(o.dModel ?? 32, op, "dModel", 1);
    this.readout = checkOneOf(
      o.readout ?? "mean",
      op,
      "readout",
      ["mean", "sum", "nodeWeights"] as const,
    );
    this.numNodes = this.readout === "nodeWeights" ? checkInt(o.numNodes, op, "numNodes", 1) : null;
    const common = layerOptions(o, op);
    const inC = checkInt(o.inChannels, op, "inChannels", 1);
    const numLayers = checkInt(o.numLayers ?? 2, op, "numLayers", 1);
    const nHead = checkInt(o.nHead ?? 4, op, "nHead", 1);
    const dimFeedforward = checkInt(o.dimFeedforward ?? 64, op, "dimFeedforward", 1);
    const dropout = checkProbability(o.dropout ?? 0.1, op, "dropout");
    const addSelfLoops = checkBool(o.addSelfLoops ?? true, op, "addSelfLoops");
    if (dModel % nHead !== 0) {
      throw new RangeError(`${op}: dModel = ${dModel} must be divisible by nHead = ${nHead}`);
    }
    checkWeightSize(op, "inChannels × dModel", inC, dModel);
    checkWeightSize(op, "the attention's 3·dModel × dModel", 3 * dModel, dModel);
    checkWeightSize(op, "dModel × dimFeedforward", dModel, dimFeedforward);
    checkWeightSize(
      op,
      "numLayers × dModel × (4·dModel + 2·dimFeedforward)",
      numLayers,
      dModel,
      4 * dModel + 2 * dimFeedforward,
    );
    if (this.numNodes !== null) checkWeightSize(op, "dModel × numNodes", dModel, this.numNodes);
    this.#inChannels = inC;
    this.embed = new Linear(inC, dModel, common);
    this.layers = new ModuleList(
      Array.from(
        { length: numLayers },
        () =>
          new GraphTransformerLayer(dModel, nHead, {
            ...common,
            dimFeedforward,
            dropout,
            addSelfLoops,
          }),
      ),
    );
    this.head = new Linear(this.numNodes === null ? dModel : dModel * this.numNodes, 1, common);
  }

  /** `x` `[N, in]`, edges and the graph of each node → one logit per graph, `[numGraphs]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike, batch: BatchLike, numGraphs?: number): Tensor {
    let h = this.embed.forward(
      graphInputs("GraphTransformerClassifier", x, edgeIndex, this.#inChannels),
    );
    for (const layer of this.layers) h = layer.forward(h, edgeIndex);
    let r: Tensor;
    if (this.numNodes !== null) {
      const n = this.numNodes;
      if (h.shape[0] % n !== 0) {
        throw new RangeError(
          `GraphTransformerClassifier: readout "nodeWeights" needs graphs of ${n} nodes, got ${
            h.shape[0]
          } nodes in the batch`,
        );
      }
      r = h.reshape([h.shape[0] / n, n * h.shape[1]]);
    } else {
      r = this.readout === "sum"
        ? globalAddPool(h, batch, numGraphs)
        : globalMeanPool(h, batch, numGraphs);
    }
    return this.head.forward(r).reshape([-1]);
  }
}
