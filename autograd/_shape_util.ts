// The shape helpers of @nnc/tensor, under the names this package's files import.
export { fmtShape, normalizeAxes, normalizeAxis, sameShape, sizeOf } from "@nnc/tensor";
