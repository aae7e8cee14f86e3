/**
 * {@link exportOnnx}: a `Sequential` model of nnc layers as an ONNX file (opset 17), for ONNX
 * Runtime and every other runtime that reads ONNX.
 *
 * @module
 */
import { noGrad, Tensor } from "@nnc/autograd";
import {
  Abs,
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPoolNd,
  BatchNormNd,
  ConvNd,
  Dropout,
  Dropout2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPoolNd,
  Module,
  ReLU,
  RNNBase,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "@nnc/layers";
import {
  checkBool,
  checkOptions,
  describe,
  type DType,
  NDArray,
  writeFileAtomic,
} from "@nnc/tensor";
import { IR_VERSION, modelProto, OPSET, type ValueInfoJson } from "./_schema.ts";
import { filled, float, Graph, int, ints, valueInfo } from "./_graph.ts";
import { recurrentNodes } from "./_recurrent.ts";

/**
 * Options of {@link exportOnnx} and {@link toOnnx}.
 *
 * @example
 * ```ts
 * import type { ExportOnnxOptions } from "@nnc/onnx";
 * const options: ExportOnnxOptions = { inputName: "image", outputName: "logits" };
 * ```
 */
export interface ExportOnnxOptions {
  /** Name of the graph's input (default `"input"`). */
  inputName?: string;
  /** Name of the graph's output (default `"output"`). */
  outputName?: string;
  /** Declare the first axis as a symbolic `batch` dimension (default true): any batch size runs. */
  dynamicBatch?: boolean;
  /** Text stored as the model's doc string. */
  docString?: string;
}

/** The layers {@link exportOnnx} knows, for the message of an unsupported one. */
export const ONNX_SUPPORTED_LAYERS: readonly string[] = [
  "Linear",
  "Conv1d",
  "Conv2d",
  "Conv3d",
  "MaxPool1d",
  "MaxPool2d",
  "AvgPool1d",
  "AvgPool2d",
  "AdaptiveAvgPool2d",
  "BatchNorm1d",
  "BatchNorm2d",
  "LayerNorm",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "GELU",
  "Sigmoid",
  "Tanh",
  "Softplus",
  "Softmax",
  "LogSoftmax",
  "Abs",
  "Identity",
  "Dropout",
  "Dropout2d",
  "Flatten",
  "Embedding",
  "Sequential",
  "RNN, LSTM, GRU (as whole models)",
];

/** What a converter gets: the layer, its dotted path, its input value and shapes. */
interface Site {
  layer: AnyModule;
  path: string;
  x: string;
  inShape: readonly number[];
  outShape: readonly number[];
  g: Graph;
}

function unsupported(layer: AnyModule, path: string, why?: string, op = "exportOnnx"): Error {
  return new TypeError(
    `${op}: layer '${path}' (${layer.constructor.name}) ${
      why ?? `has no ONNX export; supported layers: ${ONNX_SUPPORTED_LAYERS.join(", ")}`
    }`,
  );
}

function param(g: Graph, path: string, name: string, t: Tensor | null): string {
  if (t === null) throw new Error(`exportOnnx: ${path}.${name} is missing`);
  return g.init(`${path}.${name}`, t.data);
}

function fill(g: Graph, path: string, name: string, n: number, v: number, dtype: DType): string {
  return g.init(`${path}.${name}`, filled(dtype, [n], v));
}

function convert(s: Site): string {
  const { layer, path, x, g } = s;
  const L = layer as unknown;
  if (L instanceof Linear) {
    if (s.inShape.length === 2) {
      const inputs = [x, param(g, path, "weight", L.weight)];
      if (L.bias !== null) inputs.push(param(g, path, "bias", L.bias));
      return g.node(path, "Gemm", inputs, [int("transB", 1)]);
    }
    const wt = g.node(path, "Transpose", [param(g, path, "weight", L.weight)], [
      ints("perm", [1, 0]),
    ]);
    const y = g.node(path, "MatMul", [x, wt]);
    return L.bias === null ? y : g.node(path, "Add", [y, param(g, path, "bias", L.bias)]);
  }
  if (L instanceof ConvNd) {
    if (L.paddingMode !== "zeros") {
      throw unsupported(
        layer,
        path,
        `pads with '${L.paddingMode}': ONNX Conv pads with zeros only`,
      );
    }
    const d = L.kernelSize.length;
    let pads: number[];
    if (L.padding === "valid") pads = new Array(2 * d).fill(0);
    else if (L.padding === "same") {
      const total = L.kernelSize.map((k, i) => L.dilation[i] * (k - 1));
      pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
    } else pads = [...L.padding, ...L.padding];
    const inputs = [x, param(g, path, "weight", L.weight)];
    if (L.bias !== null) inputs.push(param(g, path, "bias", L.bias));
    return g.node(path, "Conv", inputs, [
      ints("kernel_shape", L.kernelSize),
      ints("strides", L.stride),
      ints("pads", pads),
      ints("dilations", L.dilation),
      int("group", L.groups),
    ]);
  }
  if (L instanceof MaxPoolNd) {
    return g.node(path, "MaxPool", [x], [
      ints("kernel_shape", L.kernelSize),
      ints("strides", L.stride),
      ints("pads", [...L.padding, ...L.padding]),
      ints("dilations", L.dilation),
      int("ceil_mode", L.ceilMode ? 1 : 0),
    ]);
  }
  if (L instanceof AvgPoolNd) {
    return g.node(path, "AveragePool", [x], [
      ints("kernel_shape", L.kernelSize),
      ints("strides", L.stride),
      ints("pads", [...L.padding, ...L.padding]),
      int("ceil_mode", L.ceilMode ? 1 : 0),
      int("count_include_pad", L.countIncludePad ? 1 : 0),
    ]);
  }
  if (L instanceof AdaptiveAvgPool2d) {
    const [h, w] = s.inShape.slice(-2), [oh, ow] = s.outShape.slice(-2);
    if (oh === 1 && ow === 1) return g.node(path, "GlobalAveragePool", [x]);
    if (h % oh !== 0 || w % ow !== 0) {
      throw unsupported(
        layer,
        path,
        `maps ${h}×${w} to ${oh}×${ow}, windows of unequal size that no ONNX pooling has`,
      );
    }
    const k = [h / oh, w / ow];
    return g.node(path, "AveragePool", [x], [ints("kernel_shape", k), ints("strides", k)]);
  }
  if (L instanceof BatchNormNd) {
    if (L.runningMean === null || L.runningVar === null) {
      throw unsupported(
        layer,
        path,
        "has no running statistics (trackRunningStats false): it normalises with batch statistics even in evaluation, which ONNX BatchNormalization does not",
      );
    }
    const c = L.numFeatures, dt = L.runningMean.dtype;
    return g.node(path, "BatchNormalization", [
      x,
      L.weight === null ? fill(g, path, "weight", c, 1, dt) : param(g, path, "weight", L.weight),
      L.bias === null ? fill(g, path, "bias", c, 0, dt) : param(g, path, "bias", L.bias),
      g.init(`${path}.running_mean`, L.runningMean.data),
      g.init(`${path}.running_var`, L.runningVar.data),
    ], [float("epsilon", L.eps)]);
  }
  if (L instanceof LayerNorm) {
    const shape = L.normalizedShape;
    const ones = () => g.init(`${path}.weight`, filled(g.dtype, shape, 1));
    const zeros = () => g.init(`${path}.bias`, filled(g.dtype, shape, 0));
    return g.node(path, "LayerNormalization", [
      x,
      L.weight === null ? ones() : param(g, path, "weight", L.weight),
      L.bias === null ? zeros() : param(g, path, "bias", L.bias),
    ], [int("axis", -shape.length), float("epsilon", L.eps)]);
  }
  if (L instanceof ReLU) return g.node(path, "Relu", [x]);
  if (L instanceof LeakyReLU) {
    return g.node(path, "LeakyRelu", [x], [float("alpha", L.negativeSlope)]);
  }
  if (L instanceof ELU) return g.node(path, "Elu", [x], [float("alpha", L.alpha)]);
  if (L instanceof Tanh) return g.node(path, "Tanh", [x]);
  if (L instanceof Abs) return g.node(path, "Abs", [x]);
  if (L instanceof Sigmoid) {
    const z = L.slope === 1 ? x : g.node(path, "Mul", [x, g.scalar(`${path}.slope`, L.slope)]);
    return g.node(path, "Sigmoid", [z]);
  }
  if (L instanceof Softplus) {
    if (L.beta === 1) return g.node(path, "Softplus", [x]);
    const z = g.node(path, "Mul", [x, g.scalar(`${path}.beta`, L.beta)]);
    const y = g.node(path, "Softplus", [z]);
    return g.node(path, "Mul", [y, g.scalar(`${path}.inverse_beta`, 1 / L.beta)]);
  }
  if (L instanceof GELU) {
    if (L.approximate === "none") {
      // 0.5·x·(1 + erf(x/√2)); the Gelu operator came only with opset 20.
      const e = g.node(path, "Erf", [
        g.node(path, "Div", [x, g.scalar(`${path}.sqrt2`, Math.SQRT2)]),
      ]);
      const p = g.node(path, "Add", [e, g.scalar(`${path}.one`, 1)]);
      return g.node(path, "Mul", [g.node(path, "Mul", [x, p]), g.scalar(`${path}.half`, 0.5)]);
    }
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const x3 = g.node(path, "Mul", [g.node(path, "Mul", [x, x]), x]);
    const inner = g.node(path, "Add", [
      x,
      g.node(path, "Mul", [x3, g.scalar(`${path}.c`, 0.044715)]),
    ]);
    const t = g.node(path, "Tanh", [
      g.node(path, "Mul", [inner, g.scalar(`${path}.k`, Math.sqrt(2 / Math.PI))]),
    ]);
    const p = g.node(path, "Add", [t, g.scalar(`${path}.one`, 1)]);
    return g.node(path, "Mul", [g.node(path, "Mul", [x, p]), g.scalar(`${path}.half`, 0.5)]);
  }
  if (L instanceof Softmax) return g.node(path, "Softmax", [x], [int("axis", L.axis)]);
  if (L instanceof LogSoftmax) return g.node(path, "LogSoftmax", [x], [int("axis", L.axis)]);
  if (L instanceof Identity || L instanceof Dropout || L instanceof Dropout2d) {
    // Dropout is the identity in evaluation, the mode a served model runs in.
    return g.node(path, "Identity", [x]);
  }
  if (L instanceof Flatten) {
    const r = s.inShape.length;
    const start = L.startDim < 0 ? L.startDim + r : L.startDim;
    const end = L.endDim < 0 ? L.endDim + r : L.endDim;
    if (start === 1 && end === r - 1) return g.node(path, "Flatten", [x], [int("axis", 1)]);
    // Leading axes copied (0), the flattened run (−1), trailing axes as they are.
    const shape = [...new Array(start).fill(0), -1, ...s.inShape.slice(end + 1)];
    const name = g.int64(`${path}.shape`, shape);
    return g.node(path, "Reshape", [x, name]);
  }
  if (L instanceof Embedding) {
    return g.node(path, "Gather", [param(g, path, "weight", L.weight), x], [int("axis", 0)]);
  }
  throw unsupported(layer, path);
}

/** The leaf layers of a Sequential (nested Sequentials flattened), with their dotted paths. */
function chain(model: AnyModule, prefix: string): [string, AnyModule][] {
  if (!(model instanceof Sequential)) return [[prefix, model]];
  return model.namedChildren().flatMap(([name, m]) =>
    chain(m, prefix === "" ? name : `${prefix}.${name}`)
  );
}

/** Value info with symbolic axes (`names[i]` for axis i, where given). */
function symbolicInfo(
  name: string,
  t: Tensor,
  names: Record<number, string>,
): ValueInfoJson {
  const v = valueInfo(name, t.dtype, t.shape, false);
  const dims = v.type!.tensorType!.shape!.dim!;
  for (const [axis, p] of Object.entries(names)) dims[Number(axis)] = { dimParam: p };
  return v;
}

function serialise(
  name: string,
  g: Graph,
  inputs: ValueInfoJson[],
  outputs: ValueInfoJson[],
  valueInfos: ValueInfoJson[],
  docString: string,
): Uint8Array {
  const model = {
    irVersion: IR_VERSION,
    producerName: "nnc",
    producerVersion: "0.1.0",
    docString,
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
      valueInfo: valueInfos,
    },
  };
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/** An RNN, LSTM or GRU as a whole model: outputs `output`, `h_n` and (LSTM) `c_n`. */
function encodeRecurrent(
  layer: RNNBase<unknown, unknown>,
  input: Tensor,
  inputName: string,
  outputName: string,
  dynamic: boolean,
  docString: string,
  op: string,
): Uint8Array {
  if (input.ndim !== 3) {
    throw new RangeError(
      `${op}: ${layer.constructor.name} exports for batched input [${
        layer.batchFirst ? "batch, seq" : "seq, batch"
      }, features]; the example input has shape [${input.shape.join(", ")}]`,
    );
  }
  const wasTraining = layer.training;
  layer.eval();
  let out: Tensor, h: Tensor, c: Tensor | null;
  try {
    const r = noGrad(() =>
      (layer as unknown as { forward(x: Tensor): unknown }).forward(input)
    ) as [
      Tensor,
      Tensor | [Tensor, Tensor],
    ];
    out = r[0];
    [h, c] = Array.isArray(r[1]) ? r[1] : [r[1], null];
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    const Err = e instanceof TypeError ? TypeError : RangeError;
    throw new Err(`${op}: ${layer.constructor.name} rejects the example input: ${e.message}`);
  } finally {
    layer.train(wasTraining);
  }
  const g = new Graph(input.dtype);
  recurrentNodes(layer, inputName, g, { output: outputName, h: "h_n", c: "c_n" });
  const [b, t] = layer.batchFirst ? [0, 1] : [1, 0];
  const axes = (batchAxis: number, seqAxis: number | null) => {
    const names: Record<number, string> = {};
    if (dynamic) names[batchAxis] = "batch";
    if (dynamic && seqAxis !== null) names[seqAxis] = "sequence";
    return names;
  };
  const outputs = [
    symbolicInfo(outputName, out, axes(b, t)),
    symbolicInfo("h_n", h, axes(1, null)),
  ];
  if (c !== null) outputs.push(symbolicInfo("c_n", c, axes(1, null)));
  return serialise(
    layer.constructor.name,
    g,
    [symbolicInfo(inputName, input, axes(b, t))],
    outputs,
    [],
    docString,
  );
}

/**
 * The ONNX bytes of `model` (see {@link exportOnnx}).
 *
 * @example
 * ```ts
 * import { toOnnx } from "@nnc/onnx";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const bytes = toOnnx(new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2)), zeros([1, 4]));
 * console.log(bytes.length > 0); // true
 * ```
 */
export function toOnnx(
  model: AnyModule,
  exampleInput: Tensor | NDArray,
  options: ExportOnnxOptions = {},
): Uint8Array {
  return encode(model, exampleInput, options, "toOnnx");
}

function encode(
  model: AnyModule,
  exampleInput: Tensor | NDArray,
  options: ExportOnnxOptions,
  op: string,
): Uint8Array {
  if (!(model instanceof Module)) {
    throw new TypeError(
      `${op}: model must be a Module (a Sequential of layers), got ${describe(model)}`,
    );
  }
  const input = exampleInput instanceof Tensor
    ? exampleInput
    : exampleInput instanceof NDArray
    ? new Tensor(exampleInput)
    : null;
  if (input === null) {
    throw new TypeError(
      `${op}: exampleInput must be a Tensor or an NDArray, got ${describe(exampleInput)}`,
    );
  }
  const o = checkOptions(options, op);
  const inputName = o.inputName ?? "input", outputName = o.outputName ?? "output";
  for (const [k, v] of [["inputName", inputName], ["outputName", outputName]]) {
    if (typeof v !== "string" || v === "" || /^t\d+$/.test(v)) {
      throw new TypeError(
        `${op}: ${k} must be a non-empty string other than t<number>, got ${describe(v)}`,
      );
    }
  }
  const batch = checkBool(o.dynamicBatch ?? true, op, "dynamicBatch") && input.ndim > 0;
  if (model instanceof RNNBase) {
    return encodeRecurrent(
      model as RNNBase<unknown, unknown>,
      input,
      inputName,
      outputName,
      batch,
      o.docString ?? "",
      op,
    );
  }
  const layers = chain(model, "");
  if (layers.length === 0) throw new RangeError(`${op}: the Sequential is empty`);
  const paramDtype = model.parameters()[0]?.dtype ??
    (input.dtype === "int32" ? "float32" : input.dtype);
  const g = new Graph(paramDtype);
  const wasTraining = model.training;
  model.eval();
  const valueInfos: ValueInfoJson[] = [];
  let outShape: readonly number[] = [];
  let outDtype: DType = input.dtype;
  try {
    noGrad(() => {
      let x = input, name = inputName;
      layers.forEach(([path, layer], i) => {
        let y: unknown;
        try {
          y = (layer as unknown as Module<[Tensor], Tensor>).forward(x);
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
          const Err = e instanceof TypeError ? TypeError : RangeError;
          throw new Err(
            `${op}: layer '${path}' (${layer.constructor.name}) rejects the example input: ${e.message}`,
          );
        }
        if (!(y instanceof Tensor)) {
          throw unsupported(
            layer,
            path,
            "does not return one tensor, so it cannot be a stage of a chain",
          );
        }
        const last = i === layers.length - 1;
        const before = g.nodes.length;
        let out: string;
        try {
          out = convert({ layer, path, x: name, inShape: x.shape, outShape: y.shape, g });
        } catch (e) {
          if (e instanceof TypeError && op !== "exportOnnx") {
            e.message = e.message.replace(/^exportOnnx:/, `${op}:`);
          }
          throw e;
        }
        if (last) {
          // The last node writes the graph output under its public name.
          const n = g.nodes[g.nodes.length - 1];
          if (g.nodes.length === before || n.output[0] !== out) {
            throw new Error("exportOnnx: no node");
          }
          n.output = [outputName];
          name = outputName;
        } else {
          name = out;
          valueInfos.push(valueInfo(out, y.dtype, y.shape, batch));
        }
        x = y;
      });
      outShape = x.shape;
      outDtype = x.dtype;
    });
  } finally {
    model.train(wasTraining);
  }
  return serialise(
    model.constructor.name,
    g,
    [valueInfo(inputName, input.dtype, input.shape, batch)],
    [valueInfo(outputName, outDtype, outShape, batch)],
    valueInfos,
    o.docString ?? "",
  );
}

/**
 * Writes `model` — a `Sequential` of nnc layers (nested Sequentials included), or one layer — to
 * `path` as an ONNX model (opset 17, IR version 8), atomically. The model is traced once on
 * `exampleInput` in evaluation mode (batch norm uses its running statistics, dropout is the
 * identity) to learn every intermediate shape; the first axis is a symbolic `batch` dimension
 * unless `dynamicBatch: false`. Initializers carry the state-dict names (`0.weight`).
 *
 * Exported: Linear (Gemm, or MatMul + Add on inputs of rank > 2), Conv1d/2d/3d (zero padding),
 * MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d (global, or evenly dividing), BatchNorm1d/2d (with
 * running statistics), LayerNorm, ReLU, LeakyReLU, ELU, GELU (exact and tanh, as Erf/Tanh
 * arithmetic: the Gelu operator needs opset 20), Sigmoid (any slope), Tanh, Softplus (any beta),
 * Softmax, LogSoftmax, Abs, Identity, Dropout and Dropout2d (as Identity), Flatten (Flatten or
 * Reshape), Embedding (Gather). Anything else is a `TypeError` that names the layer and its path.
 * Recurrent layers return several tensors, so they are not stages of a chain; an `RNN`, `LSTM` or
 * `GRU` (any number of layers, bidirectional, batch-first) exports as a model of its own, with the
 * ONNX RNN/LSTM/GRU operators, inputs `[seq, batch, features]` (`[batch, seq, features]` with
 * `batchFirst`) and outputs `output`, `h_n` and, for an LSTM, `c_n` (zero initial state).
 *
 * @example
 * ```ts
 * import { exportOnnx, importOnnx } from "@nnc/onnx";
 * import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "@nnc/layers";
 * import { randn } from "@nnc/tensor";
 * const net = new Sequential(
 *   new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3),
 * );
 * const path = await Deno.makeTempFile({ suffix: ".onnx" });
 * await exportOnnx(net, randn([1, 1, 8, 8]), path);
 * const back = await importOnnx(path);
 * console.log(back.length); // 5
 * await Deno.remove(path);
 * ```
 */
export async function exportOnnx(
  model: AnyModule,
  exampleInput: Tensor | NDArray,
  path: string | URL,
  options: ExportOnnxOptions = {},
): Promise<void> {
  const bytes = encode(model, exampleInput, options, "exportOnnx");
  await writeFileAtomic(path, bytes, { op: "exportOnnx" });
}
