/**
 * `@nnc/onnx`: trained nnc models in the ONNX format, for serving on ONNX Runtime (or any ONNX
 * runtime). {@link exportOnnx} writes a `Sequential` of nnc layers — or an `RNN`, `LSTM` or `GRU`
 * as a model of its own — as an ONNX model (opset 17);
 * {@link importOnnx} reads such a file back into nnc layers (a check that the file computes what
 * the model does). The protobuf is written with protobufjs from ONNX's schema.
 *
 * @example
 * ```ts
 * import { exportOnnx } from "@nnc/onnx";
 * import { Linear, ReLU, Sequential } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
 * const path = await Deno.makeTempFile({ suffix: ".onnx" });
 * await exportOnnx(model, zeros([1, 4]), path);
 * // Serve it: InferenceSession.create(path) with onnxruntime-node, input "input", output "output".
 * await Deno.remove(path);
 * ```
 *
 * @module
 */
export * from "./export.ts";
export * from "./import.ts";
