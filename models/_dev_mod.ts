// TEMPORARY (training helper): aggregate of the new exports until models/mod.ts has them.
export * from "./fit.ts";
export * from "./evaluate.ts";
export * from "./metrics.ts";
export * from "./callbacks.ts";
export * from "./history.ts";
export * from "./progress.ts";
export * from "./mlp.ts";
export * from "./lenet5.ts";
export * from "./plot/mod.ts";
export * from "./mod.ts";
