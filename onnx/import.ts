/**
 * {@link importOnnx}: an ONNX file written by {@link exportOnnx} back into nnc layers, as a check
 * that the file means what the model computes.
 *
 * @module
 */
import {
  Abs,
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Conv3d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "@nnc/layers";
import { checkPath, describe, NDArray, Storage } from "@nnc/tensor";
import {
  type AttributeJson,
  DATA_TYPE,
  type ModelJson,
  modelProto,
  type NodeJson,
  type TensorJson,
} from "./_schema.ts";

/** Decodes ONNX bytes into plain objects (longs as numbers). */
function decode(bytes: Uint8Array, where: string): ModelJson {
  const type = modelProto();
  try {
    return type.toObject(type.decode(bytes), {
      longs: Number,
      arrays: true,
      defaults: false,
    }) as unknown as ModelJson;
  } catch (e) {
    throw new RangeError(`importOnnx: ${where} is not an ONNX model: ${(e as Error).message}`);
  }
}

function toArray(t: TensorJson): NDArray {
  const dims = t.dims ?? [];
  const n = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  const copy = (bytes: Uint8Array) => {
    const b = new Uint8Array(bytes.length);
    b.set(bytes);
    return b.buffer;
  };
  let data: Float32Array | Float64Array | Int32Array;
  switch (t.dataType) {
    case DATA_TYPE.float32:
      data = raw?.length ? new Float32Array(copy(raw)) : Float32Array.from(t.floatData ?? []);
      break;
    case DATA_TYPE.float64:
      data = raw?.length ? new Float64Array(copy(raw)) : Float64Array.from(t.doubleData ?? []);
      break;
    case DATA_TYPE.int32:
      data = raw?.length ? new Int32Array(copy(raw)) : Int32Array.from(t.int32Data ?? []);
      break;
    case DATA_TYPE.int64: {
      const v = raw?.length
        ? Array.from(new BigInt64Array(copy(raw)), Number)
        : (t.int64Data ?? []).map(Number);
      data = Int32Array.from(v);
      break;
    }
    default:
      throw new RangeError(`importOnnx: initializer '${t.name}' has data type ${t.dataType}`);
  }
  if (data.length !== n) {
    throw new RangeError(
      `importOnnx: initializer '${t.name}' has ${data.length} values for dims [${dims.join(", ")}]`,
    );
  }
  return new NDArray(new Storage(data), dims);
}

function attrs(node: NodeJson): Map<string, AttributeJson> {
  return new Map((node.attribute ?? []).map((a) => [a.name, a]));
}

function intAttr(node: NodeJson, name: string, fallback: number): number {
  const a = attrs(node).get(name);
  return a?.i ?? fallback;
}

function intsAttr(node: NodeJson, name: string): number[] | undefined {
  return attrs(node).get(name)?.ints;
}

function floatAttr(node: NodeJson, name: string, fallback: number): number {
  return attrs(node).get(name)?.f ?? fallback;
}

/** Symmetric pads [b…, e…] as one number per axis; asymmetric ones are not a PyTorch padding. */
function symmetricPads(node: NodeJson, d: number, what: string): number[] {
  const pads = intsAttr(node, "pads") ?? new Array(2 * d).fill(0);
  const begin = pads.slice(0, d), end = pads.slice(d);
  if (begin.some((p, i) => p !== end[i])) {
    throw new RangeError(
      `importOnnx: ${what} node '${node.name}' pads unevenly: [${pads.join(", ")}]`,
    );
  }
  return begin;
}

/**
 * Rebuilds the chain of layers of an ONNX model written by {@link exportOnnx} (nodes grouped by
 * the layer path in their names; single-node layers from any producer are recognised by their
 * operator): a `Sequential` with the file's weights, which computes what the file describes.
 * An operator pattern nnc does not write is a `RangeError` naming the node and its operators.
 *
 * @example
 * ```ts
 * import { importOnnx, toOnnx } from "@nnc/onnx";
 * import { Linear, Sequential, Tanh } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const net = new Sequential(new Linear(3, 2), new Tanh());
 * const copy = await importOnnx(toOnnx(net, zeros([1, 3])));
 * console.log(String(copy.at(0))); // Linear(inFeatures=3, outFeatures=2, bias=true)  8 parameters
 * ```
 */
export async function importOnnx(source: string | URL | Uint8Array): Promise<Sequential> {
  let bytes: Uint8Array, where: string;
  if (source instanceof Uint8Array) {
    bytes = source;
    where = "the bytes";
  } else if (typeof source === "string" || source instanceof URL) {
    where = checkPath(source, "importOnnx", "source");
    try {
      bytes = await Deno.readFile(where);
    } catch (e) {
      if (e instanceof Error) e.message = `importOnnx: ${e.message}`;
      throw e;
    }
  } else {
    throw new TypeError(`importOnnx: expected a path or bytes, got ${describe(source)}`);
  }
  const model = decode(bytes, where);
  const graph = model.graph;
  if (!graph || !Array.isArray(graph.node)) {
    throw new RangeError(`importOnnx: ${where} has no graph`);
  }
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  const ranks = new Map<string, number>();
  for (const v of [...graph.input, ...(graph.valueInfo ?? []), ...graph.output]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (dims) ranks.set(v.name, dims.length);
  }
  const init = (name: string): NDArray => {
    const t = inits.get(name);
    if (t === undefined) throw new RangeError(`importOnnx: '${name}' is not an initializer`);
    return toArray(t);
  };
  // Consecutive nodes of one layer share the part of their name before "/".
  const groups: NodeJson[][] = [];
  let last: string | undefined;
  graph.node.forEach((n, i) => {
    const layer = n.name?.includes("/") ? n.name.slice(0, n.name.lastIndexOf("/")) : `#${i}`;
    if (layer === last) groups[groups.length - 1].push(n);
    else groups.push([n]);
    last = layer;
  });
  const recurrent = graph.node.find((n) => ["LSTM", "GRU", "RNN"].includes(n.opType));
  if (recurrent !== undefined) {
    throw new RangeError(
      `importOnnx: ${where} is a recurrent model (${recurrent.opType} node '${recurrent.name}'): importOnnx rebuilds chains of layers only; serve it with an ONNX runtime`,
    );
  }
  const layers: AnyModule[] = [];
  let float64 = false;
  for (const group of groups) {
    const ops = group.map((n) => n.opType).join(",");
    const n = group[0];
    const load = (m: AnyModule, sd: Record<string, NDArray>) => {
      for (const v of Object.values(sd)) if (v.dtype === "float64") float64 = true;
      m.loadStateDict(sd, { strict: false });
      return m;
    };
    const scalar = (node: NodeJson) => init(node.input[1]).item();
    let layer: AnyModule;
    switch (ops) {
      case "Gemm": {
        let w = init(n.input[1]);
        if (intAttr(n, "transB", 0) === 0) w = w.transpose().contiguous();
        if (
          intAttr(n, "transA", 0) !== 0 || floatAttr(n, "alpha", 1) !== 1 ||
          floatAttr(n, "beta", 1) !== 1
        ) {
          throw new RangeError(`importOnnx: Gemm node '${n.name}' is not a linear layer`);
        }
        const sd: Record<string, NDArray> = { weight: w };
        if (n.input[2]) sd.bias = init(n.input[2]);
        layer = load(new Linear(w.shape[1], w.shape[0], { bias: n.input[2] !== undefined }), sd);
        break;
      }
      case "Transpose,MatMul":
      case "Transpose,MatMul,Add": {
        const w = init(n.input[0]);
        const sd: Record<string, NDArray> = { weight: w };
        if (group[2]) sd.bias = init(group[2].input[1]);
        layer = load(new Linear(w.shape[1], w.shape[0], { bias: group[2] !== undefined }), sd);
        break;
      }
      case "Conv": {
        const w = init(n.input[1]);
        const k = intsAttr(n, "kernel_shape") ?? w.shape.slice(2);
        const groupsN = intAttr(n, "group", 1);
        const options = {
          stride: intsAttr(n, "strides") ?? k.map(() => 1),
          padding: symmetricPads(n, k.length, "Conv"),
          dilation: intsAttr(n, "dilations") ?? k.map(() => 1),
          groups: groupsN,
          bias: n.input[2] !== undefined,
        };
        const make = [Conv1d, Conv2d, Conv3d][k.length - 1];
        if (!make) {
          throw new RangeError(`importOnnx: Conv node '${n.name}' has a ${k.length}-d kernel`);
        }
        const sd: Record<string, NDArray> = { weight: w };
        if (n.input[2]) sd.bias = init(n.input[2]);
        layer = load(new make(w.shape[1] * groupsN, w.shape[0], k, options), sd);
        break;
      }
      case "MaxPool":
      case "AveragePool": {
        const k = intsAttr(n, "kernel_shape")!;
        const common = {
          stride: intsAttr(n, "strides") ?? k.map(() => 1),
          padding: symmetricPads(n, k.length, ops),
          ceilMode: intAttr(n, "ceil_mode", 0) === 1,
        };
        if (k.length > 2) {
          throw new RangeError(`importOnnx: ${ops} node '${n.name}' is ${k.length}-d`);
        }
        layer = ops === "MaxPool"
          ? new [MaxPool1d, MaxPool2d][k.length - 1](k, {
            ...common,
            dilation: intsAttr(n, "dilations") ?? k.map(() => 1),
          })
          : new [AvgPool1d, AvgPool2d][k.length - 1](k, {
            ...common,
            countIncludePad: intAttr(n, "count_include_pad", 0) === 1,
          });
        break;
      }
      case "GlobalAveragePool":
        layer = new AdaptiveAvgPool2d(1);
        break;
      case "BatchNormalization": {
        const mean = init(n.input[3]);
        const make = (ranks.get(n.input[0]) ?? 2) === 4 ? BatchNorm2d : BatchNorm1d;
        layer = load(new make(mean.shape[0], { eps: floatAttr(n, "epsilon", 1e-5) }), {
          weight: init(n.input[1]),
          bias: init(n.input[2]),
          running_mean: mean,
          running_var: init(n.input[4]),
        });
        break;
      }
      case "LayerNormalization": {
        const w = init(n.input[1]);
        layer = load(new LayerNorm(w.shape, { eps: floatAttr(n, "epsilon", 1e-5) }), {
          weight: w,
          bias: init(n.input[2]),
        });
        break;
      }
      case "Relu":
        layer = new ReLU();
        break;
      case "LeakyRelu":
        layer = new LeakyReLU(floatAttr(n, "alpha", 0.01));
        break;
      case "Elu":
        layer = new ELU(floatAttr(n, "alpha", 1));
        break;
      case "Tanh":
        layer = new Tanh();
        break;
      case "Abs":
        layer = new Abs();
        break;
      case "Sigmoid":
        layer = new Sigmoid();
        break;
      case "Mul,Sigmoid":
        layer = new Sigmoid(scalar(n));
        break;
      case "Softplus":
        layer = new Softplus();
        break;
      case "Mul,Softplus,Mul":
        layer = new Softplus({ beta: scalar(n) });
        break;
      case "Div,Erf,Add,Mul,Mul":
        layer = new GELU();
        break;
      case "Mul,Mul,Mul,Add,Mul,Tanh,Add,Mul,Mul":
        layer = new GELU("tanh");
        break;
      case "Softmax":
        layer = new Softmax(intAttr(n, "axis", -1));
        break;
      case "LogSoftmax":
        layer = new LogSoftmax(intAttr(n, "axis", -1));
        break;
      case "Identity":
      case "Dropout":
        layer = new Identity();
        break;
      case "Flatten":
        layer = new Flatten(intAttr(n, "axis", 1), -1);
        break;
      case "Reshape": {
        const shape = Array.from(init(n.input[1]).storage.data as Int32Array);
        const rank = ranks.get(n.input[0]);
        const start = shape.indexOf(-1);
        if (rank === undefined || start < 0 || shape.slice(0, start).some((v) => v !== 0)) {
          throw new RangeError(`importOnnx: Reshape node '${n.name}' is not a flatten`);
        }
        layer = new Flatten(start, rank - (shape.length - start));
        break;
      }
      case "Gather": {
        const w = init(n.input[0]);
        layer = load(new Embedding(w.shape[0], w.shape[1]), { weight: w });
        break;
      }
      default:
        throw new RangeError(
          `importOnnx: node '${n.name ?? n.opType}' (${ops}) is not a layer nnc writes`,
        );
    }
    layers.push(layer);
  }
  const net = new Sequential(...layers);
  if (float64) net.to("float64");
  // Parameters that were loaded stay; num_batches_tracked and the like keep their defaults.
  net.eval();
  return net;
}
