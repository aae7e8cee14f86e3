/**
 * Convolutional networks: LeNet-5, the conv net of the demo and a small ResNet.
 *
 * @example
 * ```ts
 * import { lenet5 } from "@nnc/models/cnn";
 * const net = lenet5();
 * console.log(net.parameters().length); // 10
 * ```
 *
 * @module
 */
export * from "./lenet5.ts";
export * from "./resnet.ts";
