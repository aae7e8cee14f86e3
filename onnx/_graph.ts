// The graph under construction, shared by the exporters: nodes, initializers (with state-dict
// names), attribute and value-info helpers.
import { type DType, NDArray, Storage } from "@nnc/tensor";
import {
  ATTRIBUTE_TYPE,
  type AttributeJson,
  DATA_TYPE,
  type NodeJson,
  type TensorJson,
  type ValueInfoJson,
} from "./_schema.ts";

export type Attr = AttributeJson;
export const ints = (name: string, v: readonly number[]): Attr => ({
  name,
  type: ATTRIBUTE_TYPE.INTS,
  ints: [...v],
});
export const int = (name: string, v: number): Attr => ({ name, type: ATTRIBUTE_TYPE.INT, i: v });
export const float = (name: string, v: number): Attr => ({
  name,
  type: ATTRIBUTE_TYPE.FLOAT,
  f: v,
});

export function tensorProto(name: string, a: NDArray): TensorJson {
  const c = a.contiguous();
  const data = c.storage.data.subarray(c.offset, c.offset + c.size);
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dims: [...a.shape], dataType: DATA_TYPE[a.dtype], rawData: bytes };
}

export function valueInfo(
  name: string,
  dtype: DType,
  shape: readonly number[],
  batch: boolean,
): ValueInfoJson {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: {
          dim: shape.map((d, i) => (i === 0 && batch ? { dimParam: "batch" } : { dimValue: d })),
        },
      },
    },
  };
}

/** Collects nodes, initializers and value infos; names intermediate values t0, t1, …. */
export class Graph {
  readonly nodes: NodeJson[] = [];
  readonly initializers: TensorJson[] = [];
  readonly names = new Set<string>();
  #values = 0;
  constructor(readonly dtype: DType) {}
  value(): string {
    return `t${this.#values++}`;
  }
  init(name: string, a: NDArray): string {
    if (this.names.has(name)) throw new Error(`exportOnnx: duplicate initializer '${name}'`);
    this.names.add(name);
    this.initializers.push(tensorProto(name, a));
    return name;
  }
  scalar(name: string, v: number): string {
    return this.init(name, filled(this.dtype, [], v));
  }
  int64(name: string, values: readonly number[]): string {
    if (this.names.has(name)) throw new Error(`exportOnnx: duplicate initializer '${name}'`);
    this.names.add(name);
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: DATA_TYPE.int64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }
  node(layer: string, op: string, inputs: string[], attrs: Attr[] = [], output?: string): string {
    const out = output ?? this.value();
    this.nodeN(layer, op, inputs, [out], attrs);
    return out;
  }
  /** A node with several outputs. */
  nodeN(layer: string, op: string, inputs: string[], outputs: string[], attrs: Attr[] = []): void {
    this.nodes.push({
      name: `${layer}/${op}${this.nodes.filter((n) => n.name?.startsWith(`${layer}/`)).length}`,
      opType: op,
      input: inputs,
      output: outputs,
      attribute: attrs,
    });
  }
}

/** A string attribute. */
export const str = (name: string, v: string): Attr => ({
  name,
  type: ATTRIBUTE_TYPE.STRING,
  s: new TextEncoder().encode(v),
});

/** A list-of-strings attribute. */
export const strs = (name: string, v: readonly string[]): Attr => ({
  name,
  type: ATTRIBUTE_TYPE.STRINGS,
  strings: v.map((x) => new TextEncoder().encode(x)),
});

/** An array of `shape` filled with `v`. */
export function filled(dtype: DType, shape: readonly number[], v: number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = (dtype === "float64" ? new Float64Array(n) : new Float32Array(n)).fill(v);
  return new NDArray(new Storage(data), shape);
}
