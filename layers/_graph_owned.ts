/**
 * Which modules keep no tensor: the test containers use before marking the values they pass from
 * one child to the next as graph-owned (`markGraphOwned`), so that a backward pass can give those
 * arrays to the storage pool instead of leaving the next step to allocate (and clear) fresh ones.
 *
 * A module qualifies when its forward keeps neither its input nor its output (no field, no cache,
 * no hook) and hands out nothing but its output: the built-in layers listed here, by exact class
 * (a subclass may keep anything), and the registered containers when every child qualifies.
 *
 * @module
 */
import { markGraphOwned, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Linear } from "./linear.ts";
import { Conv1d, Conv2d, Conv3d } from "./conv.ts";
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./conv_transpose.ts";
import {
  Abs,
  ELU,
  GELU,
  LeakyReLU,
  LogSoftmax,
  Maxout,
  ReLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "./activation_layers.ts";
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from "./pool.ts";
import { Flatten, Unflatten } from "./flatten.ts";
import { BatchNorm1d, BatchNorm2d } from "./batch_norm.ts";
import { Dropout, Dropout2d } from "./dropout.ts";
import { Identity } from "./identity.ts";
import { LayerNorm } from "./layer_norm.ts";
import { GroupNorm } from "./group_norm.ts";
import { InstanceNorm1d, InstanceNorm2d } from "./instance_norm.ts";
import { Upsample } from "./upsample.ts";

/** A module class (what `constructor` of an instance is). */
type ModuleClass = abstract new (...args: never[]) => unknown;

const LAYERS: ReadonlySet<ModuleClass> = new Set<ModuleClass>([
  Linear,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  Abs,
  ELU,
  GELU,
  LeakyReLU,
  LogSoftmax,
  Maxout,
  ReLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  MaxPool1d,
  MaxPool2d,
  Flatten,
  Unflatten,
  BatchNorm1d,
  BatchNorm2d,
  Dropout,
  Dropout2d,
  Identity,
  LayerNorm,
  GroupNorm,
  InstanceNorm1d,
  InstanceNorm2d,
  Upsample,
]);

// Containers whose own forward keeps nothing (Sequential, ResidualBlock): they qualify through
// their children. They register themselves, since they import this file.
const containers = new Set<ModuleClass>();

/** Registers a container class whose forward keeps no tensor of its own. */
export function registerContainer(c: ModuleClass): void {
  containers.add(c);
}

/**
 * Whether `m`'s forward keeps no tensor and hands out nothing but its output: a built-in layer of
 * exactly its class, or `Sequential`/`ResidualBlock` of such layers. An instance whose `forward`
 * was replaced (a wrapper recording activations, say) does not qualify. Code that calls such a
 * module and reads its output only through the graph may mark that output graph-owned (see
 * `markGraphOwned`).
 *
 * @example
 * ```ts
 * import { keepsNoTensors, Linear, ReLU, Sequential } from "@nnc/layers";
 * console.assert(keepsNoTensors(new Sequential(new Linear(2, 3), new ReLU())));
 * const recording = new Linear(2, 3);
 * recording.forward = (x) => x; // replaced: may keep anything
 * console.assert(!keepsNoTensors(recording));
 * ```
 */
export function keepsNoTensors(m: unknown): boolean {
  if (!(m instanceof Module) || Object.hasOwn(m, "forward")) return false;
  const c = m.constructor as ModuleClass;
  if (LAYERS.has(c)) return true;
  if (!containers.has(c)) return false;
  for (const child of m.children()) if (!keepsNoTensors(child)) return false;
  return true;
}

/**
 * Whether `m` is an instance of exactly `cls` whose `forward` was not replaced: for modules outside
 * the list above whose forward keeps no tensor under conditions their caller checks (no KV cache).
 */
export function isPlain(m: unknown, cls: ModuleClass): boolean {
  return m instanceof Module && m.constructor === cls && !Object.hasOwn(m, "forward");
}

/**
 * The marker a module's forward wraps the values it makes in: each is marked graph-owned (see
 * markGraphOwned) when `owns`, except the forward's own inputs, which a part may hand back
 * unchanged (a dropout that passes its input through) and which belong to the caller.
 */
export function graphOwnedMarker(owns: boolean, ...inputs: Tensor[]): (t: Tensor) => Tensor {
  return (t) => (owns && !inputs.includes(t) ? markGraphOwned(t) : t);
}
