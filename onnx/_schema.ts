// The part of ONNX's protobuf schema (onnx.proto, IR version 8) that nnc writes and reads, as a
// protobufjs JSON descriptor: message and field names in camelCase, field numbers and types as
// the ONNX specification defines them. Messages and fields nnc never uses are left out; protobuf
// skips unknown fields when decoding, so files from other producers still parse.
import protobuf from "protobufjs";

const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });
const one = (type: string, id: number) => ({ type, id });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: one("int64", 1),
            producerName: one("string", 2),
            producerVersion: one("string", 3),
            domain: one("string", 4),
            modelVersion: one("int64", 5),
            docString: one("string", 6),
            graph: one("GraphProto", 7),
            opsetImport: repeated("OperatorSetIdProto", 8),
            metadataProps: repeated("StringStringEntryProto", 14),
          },
        },
        OperatorSetIdProto: { fields: { domain: one("string", 1), version: one("int64", 2) } },
        StringStringEntryProto: { fields: { key: one("string", 1), value: one("string", 2) } },
        GraphProto: {
          fields: {
            node: repeated("NodeProto", 1),
            name: one("string", 2),
            initializer: repeated("TensorProto", 5),
            docString: one("string", 10),
            input: repeated("ValueInfoProto", 11),
            output: repeated("ValueInfoProto", 12),
            valueInfo: repeated("ValueInfoProto", 13),
          },
        },
        NodeProto: {
          fields: {
            input: repeated("string", 1),
            output: repeated("string", 2),
            name: one("string", 3),
            opType: one("string", 4),
            attribute: repeated("AttributeProto", 5),
            docString: one("string", 6),
            domain: one("string", 7),
          },
        },
        AttributeProto: {
          fields: {
            name: one("string", 1),
            f: one("float", 2),
            i: one("int64", 3),
            s: one("bytes", 4),
            t: one("TensorProto", 5),
            floats: { ...repeated("float", 7), options: { packed: true } },
            ints: { ...repeated("int64", 8), options: { packed: true } },
            strings: repeated("bytes", 9),
            docString: one("string", 13),
            type: one("int32", 20),
          },
        },
        TensorProto: {
          fields: {
            dims: { ...repeated("int64", 1), options: { packed: true } },
            dataType: one("int32", 2),
            floatData: { ...repeated("float", 4), options: { packed: true } },
            int32Data: { ...repeated("int32", 5), options: { packed: true } },
            int64Data: { ...repeated("int64", 7), options: { packed: true } },
            name: one("string", 8),
            rawData: one("bytes", 9),
            doubleData: { ...repeated("double", 10), options: { packed: true } },
            docString: one("string", 12),
          },
        },
        ValueInfoProto: {
          fields: {
            name: one("string", 1),
            type: one("TypeProto", 2),
            docString: one("string", 3),
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: one("TypeProtoTensor", 1), denotation: one("string", 6) },
        },
        TypeProtoTensor: {
          fields: { elemType: one("int32", 1), shape: one("TensorShapeProto", 2) },
        },
        TensorShapeProto: { fields: { dim: repeated("Dimension", 1) } },
        Dimension: {
          oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
          fields: {
            dimValue: one("int64", 1),
            dimParam: one("string", 2),
            denotation: one("string", 3),
          },
        },
      },
    },
  },
};

let model: protobuf.Type | undefined;

/** The ModelProto message type. */
export function modelProto(): protobuf.Type {
  model ??= protobuf.Root.fromJSON(DESCRIPTOR).lookupType("onnx.ModelProto");
  return model;
}

/** TensorProto.DataType codes nnc uses. */
export const DATA_TYPE = { float32: 1, int32: 6, int64: 7, float64: 11 } as const;

/** AttributeProto.AttributeType codes nnc uses. */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** The opset nnc writes (the default ONNX domain). */
export const OPSET = 17;

/** The IR version of opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

// Plain shapes of the decoded messages (what protobufjs's toObject returns with longs as numbers).

/** An attribute. */
export interface AttributeJson {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** A node. */
export interface NodeJson {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeJson[];
}

/** A tensor (initializer). */
export interface TensorJson {
  dims?: number[];
  dataType: number;
  name: string;
  rawData?: Uint8Array;
  floatData?: number[];
  doubleData?: number[];
  int32Data?: number[];
  int64Data?: number[];
}

/** A graph input, output or intermediate value. */
export interface ValueInfoJson {
  name: string;
  type?: {
    tensorType?: {
      elemType: number;
      shape?: { dim?: { dimValue?: number; dimParam?: string }[] };
    };
  };
}

/** A model. */
export interface ModelJson {
  irVersion: number;
  producerName?: string;
  producerVersion?: string;
  opsetImport: { domain?: string; version: number }[];
  graph: {
    node: NodeJson[];
    name?: string;
    initializer?: TensorJson[];
    input: ValueInfoJson[];
    output: ValueInfoJson[];
    valueInfo?: ValueInfoJson[];
  };
  metadataProps?: { key: string; value: string }[];
}
