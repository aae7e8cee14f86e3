// ONNX for the recurrent layers (RNN, LSTM, GRU) as whole models: the ONNX RNN/LSTM/GRU operators,
// one node per layer with both directions, PyTorch's gate blocks reordered to ONNX's, the
// layers' outputs [T, D, B, H] reshaped to nnc's [T, B, D·H] between layers.
import { concat, type NDArray } from "@nnc/tensor";
import type { RNNBase } from "@nnc/layers";
import { type Graph, int, ints, str, strs } from "./_graph.ts";

/** PyTorch's gate blocks in ONNX's order (LSTM: i f g o → i o f c; GRU: r z n → z r h). */
const ORDER: Record<string, number[]> = {
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
  rnnTanh: [0],
  rnnRelu: [0],
};
const OP: Record<string, string> = { lstm: "LSTM", gru: "GRU", rnnTanh: "RNN", rnnRelu: "RNN" };

function reorder(w: NDArray, mode: string, hidden: number): NDArray {
  return concat(ORDER[mode].map((k) => w.slice({ start: k * hidden, stop: (k + 1) * hidden })), 0);
}

/**
 * Adds the nodes of `layer` reading `x` ([T, B, F], or [B, T, F] with batchFirst) and writing
 * `names.output` (as nnc's output), `names.h` ([L·D, B, H]) and, for an LSTM, `names.c`.
 */
export function recurrentNodes(
  layer: RNNBase<unknown, unknown>,
  x: string,
  g: Graph,
  names: { output: string; h: string; c: string },
): void {
  const sd = layer.stateDict();
  const H = layer.hiddenSize, D = layer.bidirectional ? 2 : 1, mode = layer.mode;
  const op = OP[mode];
  const transpose = (v: string, perm: number[]) =>
    g.node("layout", "Transpose", [v], [ints("perm", perm)]);
  let input = layer.batchFirst ? transpose(x, [1, 0, 2]) : x;
  const hs: string[] = [], cs: string[] = [];
  for (let l = 0; l < layer.numLayers; l++) {
    const dirs = Array.from({ length: D }, (_, d) => `_l${l}${d === 1 ? "_reverse" : ""}`);
    const stack = (key: string) =>
      concat(
        dirs.map((s) =>
          reorder(sd[`${key}${s}`], mode, H).reshape([1, -1, sd[`${key}${s}`].shape[1]])
        ),
        0,
      );
    const inputs = [
      input,
      g.init(`W_l${l}`, stack("weight_ih")),
      g.init(`R_l${l}`, stack("weight_hh")),
    ];
    if (layer.bias) {
      const b = concat(
        dirs.map((s) =>
          concat([reorder(sd[`bias_ih${s}`], mode, H), reorder(sd[`bias_hh${s}`], mode, H)], 0)
            .reshape([1, -1])
        ),
        0,
      );
      inputs.push(g.init(`B_l${l}`, b));
    }
    const attrs = [int("hidden_size", H), str("direction", D === 2 ? "bidirectional" : "forward")];
    if (mode === "gru") attrs.push(int("linear_before_reset", 1));
    if (op === "RNN") {
      attrs.push(strs("activations", new Array(D).fill(mode === "rnnRelu" ? "Relu" : "Tanh")));
    }
    const y = g.value(), yh = g.value(), yc = g.value();
    g.nodeN(`l${l}`, op, inputs, mode === "lstm" ? [y, yh, yc] : [y, yh], attrs);
    hs.push(yh);
    cs.push(yc);
    // Y [T, D, B, H] → [T, B, D·H]: the next layer's input, or the output.
    input = g.node(`l${l}`, "Reshape", [
      transpose(y, [0, 2, 1, 3]),
      g.int64(`l${l}.shape`, [0, 0, -1]),
    ]);
  }
  g.node(
    "output",
    "Identity",
    [layer.batchFirst ? transpose(input, [1, 0, 2]) : input],
    [],
    names.output,
  );
  g.node("h_n", "Concat", hs, [int("axis", 0)], names.h);
  if (mode === "lstm") g.node("c_n", "Concat", cs, [int("axis", 0)], names.c);
}
