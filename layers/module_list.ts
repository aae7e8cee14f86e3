/**
 * {@link ModuleList}: a list of modules whose parameters are registered.
 *
 * @module
 */
import { type AnyModule, Module } from "./module.ts";
import { describe } from "@nnc/tensor";

/**
 * Holds modules in a list and registers them as children named `0`, `1`, … (PyTorch
 * `nn.ModuleList`); a plain array would hide their parameters. It has no `forward` of its own:
 * the owner decides how to call the modules.
 *
 * @example
 * ```ts
 * import { Linear, ModuleList } from "@nnc/layers";
 * const blocks = new ModuleList([new Linear(3, 3), new Linear(3, 3)]);
 * console.assert(blocks.length === 2 && blocks.parameters().length === 4);
 * console.assert(blocks.namedParameters()[2][0] === "1.weight");
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  #items: M[] = [];

  /** A list of `modules` (empty by default). */
  constructor(modules: readonly M[] = []) {
    super();
    if (!Array.isArray(modules)) {
      throw new TypeError(`ModuleList: expected an array of modules, got ${describe(modules)}`);
    }
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#items.length;
  }

  /** Adds a module at the end; returns this. */
  append(module: M): this {
    if (!(module instanceof Module)) {
      throw new TypeError(`ModuleList.append: expected a Module, got ${describe(module)}`);
    }
    this.registerModule(String(this.#items.length), module);
    this.#items.push(module);
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const n = this.#items.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new RangeError(
        `ModuleList.at: index ${describe(index)} is out of range for ${n} modules`,
      );
    }
    return this.#items[index < 0 ? index + n : index];
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }

  /** A ModuleList has no forward; call its modules instead. */
  forward(): never {
    throw new TypeError(
      "ModuleList.forward: a ModuleList is not callable; iterate over its modules",
    );
  }
}
