/**
 * The pure-TypeScript backend: runs everywhere, and is the oracle for every other backend.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { binary, copy, unary, where } from "./js/elementwise.ts";
import { argReduce, reduce } from "./js/reduce.ts";
import { matmul } from "./js/matmul.ts";
import { softmax } from "./js/softmax.ts";
import { cumulative } from "./js/cumulative.ts";
import { sort } from "./js/sort.ts";
import { gather, indexSelect, scatterAdd } from "./js/indexing.ts";
import { col2im, im2col, maxPoolGrad, pool } from "./js/window.ts";
import { cholesky, eigh, lu, qr, solve, svd } from "./js/linalg.ts";
import { adamStep, sgdStep } from "./js/optim_step.ts";
import { sddmm, segmentReduce, spmm } from "./js/sparse.ts";
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from "./js/rnn_cell.ts";
import { attention, attentionBackward } from "./js/attention.ts";
import { layerNorm, layerNormBackward } from "./js/layer_norm.ts";
import { conv, convInputGrad, convWeightGrad } from "./js/conv.ts";
import { convThenMaxPool } from "./conv.ts";
import { activationGrad } from "./js/activation.ts";
import { sigmoidCrossEntropyWithGrad } from "./js/sigmoid_cross_entropy.ts";
import { batchNorm, batchNormBackward } from "./js/batch_norm.ts";

/**
 * The JS backend object.
 *
 * @example
 * ```ts
 * import { jsBackend } from "@nnc/tensor";
 * console.assert(jsBackend.name === "js");
 * ```
 */
export const jsBackend: Backend = {
  name: "js",
  copy,
  unary,
  binary,
  where,
  reduce,
  argReduce,
  matmul,
  softmax,
  cumulative,
  sort,
  gather,
  scatterAdd,
  indexSelect,
  im2col,
  col2im,
  pool,
  maxPoolGrad,
  cholesky,
  lu,
  solve,
  qr,
  eigh,
  svd,
  sgdStep,
  adamStep,
  spmm,
  sddmm,
  segmentReduce,
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
  attention,
  attentionBackward,
  layerNorm,
  layerNormBackward,
  conv,
  convMaxPool(out, indices, x, w, bias, g, groups, poolGeometry) {
    convThenMaxPool({ conv, pool }, out, indices, x, w, bias, g, groups, poolGeometry);
  },
  convInputGrad,
  convWeightGrad,
  activationGrad,
  sigmoidCrossEntropyWithGrad,
  batchNorm,
  batchNormBackward,
};
