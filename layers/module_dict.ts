/**
 * {@link ModuleDict}: modules by name, registered as children.
 *
 * @module
 */
import { type AnyModule, Module } from "./module.ts";
import { describe } from "@nnc/tensor";

/**
 * Holds modules by name and registers them as children (PyTorch `nn.ModuleDict`), keeping
 * insertion order. It has no `forward` of its own.
 *
 * @example
 * ```ts
 * import { Linear, ModuleDict } from "@nnc/layers";
 * const heads = new ModuleDict({ cls: new Linear(4, 3), box: new Linear(4, 2) });
 * console.assert(heads.keys().join() === "cls,box");
 * console.assert(Object.keys(heads.stateDict())[2] === "box.weight");
 * ```
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  #items = new Map<string, M>();

  /** A dict of `modules` (empty by default). */
  constructor(modules: Record<string, M> = {}) {
    super();
    if (modules === null || typeof modules !== "object" || Array.isArray(modules)) {
      throw new TypeError(
        `ModuleDict: expected an object mapping names to modules, got ${describe(modules)}`,
      );
    }
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  /** Number of modules. */
  get size(): number {
    return this.#items.size;
  }

  /** Adds or replaces the module `key`; returns this. */
  set(key: string, module: M): this {
    if (typeof key !== "string") {
      throw new TypeError(`ModuleDict.set: key must be a string, got ${describe(key)}`);
    }
    if (!(module instanceof Module)) {
      throw new TypeError(`ModuleDict.set: '${key}' must be a Module, got ${describe(module)}`);
    }
    this.registerModule(key, module);
    this.#items.set(key, module);
    return this;
  }

  /** The module `key`; a RangeError names the known keys when it is absent. */
  get(key: string): M {
    const m = this.#items.get(key);
    if (m === undefined) {
      throw new RangeError(
        `ModuleDict.get: no module '${key}'; keys are ${
          this.keys().map((k) => `'${k}'`).join(", ")
        }`,
      );
    }
    return m;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Removes `key`; returns true when it was present. */
  delete(key: string): boolean {
    if (!this.#items.has(key)) return false;
    this.registerModule(key, null);
    return this.#items.delete(key);
  }

  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** The modules, in insertion order. */
  values(): M[] {
    return [...this.#items.values()];
  }

  /** Name–module pairs, in insertion order. */
  entries(): [string, M][] {
    return [...this.#items.entries()];
  }

  /** A ModuleDict has no forward; call its modules instead. */
  forward(): never {
    throw new TypeError("ModuleDict.forward: a ModuleDict is not callable; look up its modules");
  }
}
