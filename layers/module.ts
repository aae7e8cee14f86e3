/**
 * {@link Module}: the base class of every layer and model (PyTorch `nn.Module`): a tree of
 * sub-modules that owns parameters and buffers, with dotted names, train/eval mode, state dicts
 * and a printable summary.
 *
 * @module
 */
import {
  astype,
  checkBool,
  checkOptions,
  clone,
  describe,
  type DType,
  fmtShape,
  isFloat,
  type MimeBundle,
  NDArray,
  sameShape,
  zeros,
} from "@nnc/tensor";
import { moduleDisplayData } from "./module_display.ts";
import { peekGrad, releaseGrad, Tensor } from "@nnc/autograd";
import { Parameter } from "./parameter.ts";
import { fmtCount } from "./_util.ts";

/**
 * Parameters and persistent buffers by dotted name (`features.0.weight`), as arrays that share
 * memory with the module (PyTorch layouts, so they move to and from PyTorch unchanged).
 *
 * @example
 * ```ts
 * import { Linear, type StateDict } from "@nnc/layers";
 * const sd: StateDict = new Linear(2, 1).stateDict();
 * console.assert(Object.keys(sd).join() === "weight,bias");
 * ```
 */
export type StateDict = Record<string, NDArray>;

/**
 * Any module, whatever its `forward` takes and returns (the type of children and containers).
 *
 * @example
 * ```ts
 * import { type AnyModule, Linear, ReLU } from "@nnc/layers";
 * const parts: AnyModule[] = [new Linear(2, 2), new ReLU()];
 * console.assert(parts.length === 2);
 * ```
 */
export type AnyModule = Module<never[], unknown>;

/**
 * Options of {@link Module.loadStateDict}.
 *
 * @example
 * ```ts
 * import type { LoadStateDictOptions } from "@nnc/layers";
 * const lenient: LoadStateDictOptions = { strict: false };
 * ```
 */
export interface LoadStateDictOptions {
  /** Throw when keys are missing or unexpected (default true). Shape mismatches always throw. */
  strict?: boolean;
}

/**
 * What {@link Module.loadStateDict} did not match (PyTorch's `_IncompatibleKeys`).
 *
 * @example
 * ```ts
 * import { Linear, type LoadStateDictResult } from "@nnc/layers";
 * const r: LoadStateDictResult = new Linear(2, 1).loadStateDict({}, { strict: false });
 * console.assert(r.missingKeys.join() === "weight,bias" && r.unexpectedKeys.length === 0);
 * ```
 */
export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks. */
  missingKeys: string[];
  /** Keys of the state dict the module does not have. */
  unexpectedKeys: string[];
}

/**
 * Options of {@link Module.registerBuffer}.
 *
 * @example
 * ```ts
 * import type { BufferOptions } from "@nnc/layers";
 * const scratch: BufferOptions = { persistent: false };
 * ```
 */
export interface BufferOptions {
  /** Include the buffer in `stateDict()` (default true). */
  persistent?: boolean;
}

interface BufferSlot {
  value: Tensor | null;
  persistent: boolean;
}

type Registry<T> = Map<string, T>;

/**
 * Base class of layers and models. Subclasses implement `forward` and declare their parts as
 * fields: a field holding a {@link Parameter} or a `Module` is registered automatically under the
 * field's name, in declaration order (so `this.weight` becomes `weight`, and a child `this.fc`
 * contributes `fc.weight`). Names a field cannot carry as an identifier (the digits of
 * `Sequential`) are registered explicitly with {@link Module.registerParameter} or
 * {@link Module.registerModule}; buffers always are, with {@link Module.registerBuffer}. Setting a
 * field to `null` removes what it held. Parameters kept inside plain arrays or objects are not seen: use
 * `ModuleList`, `ModuleDict` or the register methods.
 *
 * @example
 * ```ts
 * import { Linear, Module, ReLU } from "@nnc/layers";
 * import { peekGrad, releaseGrad, Tensor } from "@nnc/autograd";
 * import { randn } from "@nnc/tensor";
 *
 * class Mlp extends Module<[Tensor], Tensor> {
 *   hidden = new Linear(4, 8);
 *   act = new ReLU();
 *   out = new Linear(8, 2);
 *   forward(x: Tensor): Tensor {
 *     return this.out.forward(this.act.forward(this.hidden.forward(x)));
 *   }
 * }
 * const net = new Mlp();
 * const names = net.namedParameters().map(([n]) => n);
 * console.assert(names.join() === "hidden.weight,hidden.bias,out.weight,out.bias");
 * console.assert(net.forward(new Tensor(randn([3, 4]))).shape.join() === "3,2");
 * ```
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** Training mode (true, the default) or evaluation mode; see {@link Module.train}. */
  training = true;
  #params: Registry<Parameter> = new Map();
  #buffers: Registry<BufferSlot> = new Map();
  #modules: Registry<AnyModule> = new Map();

  /** Computes the output. */
  abstract forward(...inputs: I): O;

  /** Extra text shown between the parentheses of {@link Module.toString} (the layer's settings). */
  extraRepr(): string {
    return "";
  }

  // ----- registration -----

  /** Registers (or with `null` removes) a parameter under `name`; returns it. */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.#checkName(name, "registerParameter", "params");
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: '${name}' must be a Parameter or null, got ${describe(param)}`,
      );
    }
    if (param === null) this.#params.delete(name);
    else this.#params.set(name, param);
    return param;
  }

  /**
   * Registers (or with `null` removes) a buffer: a tensor that is state but not trained (running
   * statistics). Persistent buffers are part of `stateDict()`. Returns the buffer as a Tensor, the
   * same object the module keeps, so that replacing its `data` updates the module.
   */
  registerBuffer(name: string, value: Tensor | NDArray, options?: BufferOptions): Tensor;
  /** Removes the buffer `name`. */
  registerBuffer(name: string, value: null, options?: BufferOptions): null;
  registerBuffer(
    name: string,
    value: Tensor | NDArray | null,
    options: BufferOptions = {},
  ): Tensor | null {
    this.#checkName(name, "registerBuffer", "buffers");
    checkOptions(options, "registerBuffer");
    checkBool(options.persistent ?? true, "registerBuffer", "persistent");
    if (value === null) {
      this.#buffers.delete(name);
      return null;
    }
    let t: Tensor;
    if (value instanceof Parameter) {
      throw new TypeError(`registerBuffer: '${name}' is a Parameter; use registerParameter`);
    } else if (value instanceof Tensor) t = value;
    else if (value instanceof NDArray) t = new Tensor(value);
    else {throw new TypeError(
        `registerBuffer: '${name}' must be a Tensor, an NDArray or null, got ${describe(value)}`,
      );}
    this.#buffers.set(name, { value: t, persistent: options.persistent ?? true });
    return t;
  }

  /** Registers (or with `null` removes) a child module under `name`; returns it. */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    this.#checkName(name, "registerModule", "modules");
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(
        `registerModule: '${name}' must be a Module or null, got ${describe(module)}`,
      );
    }
    if (module === null) this.#modules.delete(name);
    else this.#modules.set(name, module as AnyModule);
    return module;
  }

  /** The buffer registered as `name` on this module (not its children), or undefined. */
  getBuffer(name: string): Tensor | undefined {
    return this.#buffers.get(name)?.value ?? undefined;
  }

  /** The module at a dotted path (`"features.0"`; `""` is this module). */
  getSubmodule(path: string): AnyModule {
    let m = this as unknown as AnyModule;
    if (typeof path !== "string") {
      throw new TypeError(`getSubmodule: path must be a string, got ${describe(path)}`);
    }
    if (path === "") return m;
    for (const part of path.split(".")) {
      m.#sync();
      const next = m.#modules.get(part);
      if (next === undefined) {
        throw new RangeError(
          `getSubmodule: ${m.constructor.name} has no child '${part}' (path '${path}')`,
        );
      }
      m = next;
    }
    return m;
  }

  // ----- traversal -----

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, AnyModule][] {
    this.#sync();
    return [...this.#modules.entries()];
  }

  /** Direct children. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all its descendants (each once), depth first, with dotted names (`""` for this one). */
  namedModules(prefix = ""): [string, AnyModule][] {
    checkPrefix(prefix, "namedModules");
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const kids = m.namedChildren();
      for (let i = kids.length - 1; i >= 0; i--) stack.push([join(name, kids[i][0]), kids[i][1]]);
    }
    return out;
  }

  /** This module and all its descendants. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names (each parameter once, at its first name); own ones only with `recurse: false`. */
  namedParameters(options: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    checkTraversal(options, "namedParameters");
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const mods = options.recurse === false
      ? [[options.prefix ?? "", this as unknown as AnyModule] as [string, AnyModule]]
      : this.namedModules(options.prefix ?? "");
    for (const [prefix, m] of mods) {
      m.#sync();
      for (const [name, p] of m.#params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, name), p]);
      }
    }
    return out;
  }

  /** The parameters (each once), in `namedParameters` order: what an optimiser updates. */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    checkTraversal(options, "parameters");
    return this.namedParameters(options).map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    checkTraversal(options, "namedBuffers");
    const out: [string, Tensor][] = [];
    const mods = options.recurse === false
      ? [[options.prefix ?? "", this as unknown as AnyModule] as [string, AnyModule]]
      : this.namedModules(options.prefix ?? "");
    for (const [prefix, m] of mods) {
      for (const [name, slot] of m.#buffers) {
        if (slot.value !== null) out.push([join(prefix, name), slot.value]);
      }
    }
    return out;
  }

  /** The buffers. */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    checkTraversal(options, "buffers");
    return this.namedBuffers(options).map(([, b]) => b);
  }

  /** Number of parameter elements (only those that require grad with `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    checkBool(trainableOnly, "numParameters", "trainableOnly");
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  // ----- modes and bulk operations -----

  /** Sets training mode (or evaluation mode with `false`) on this module and its descendants. */
  train(mode = true): this {
    checkBool(mode, "train", "mode");
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: batch norm uses running statistics, dropout does nothing. Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch `apply`, e.g. custom initialisation). */
  apply(fn: (module: AnyModule) => void): this {
    if (typeof fn !== "function") {
      throw new TypeError(`apply: expected a function, got ${describe(fn)}`);
    }
    for (const child of this.children()) child.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /**
   * Clears the gradients of all parameters (sets them to null, or to zeros with `setToNone: false`).
   * Setting to null gives the arrays of gradients nobody read through `grad` to the storage pool
   * (`releaseGrad` of `@nnc/autograd`), for the next backward pass to reuse.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    checkOptions(options, "zeroGrad");
    checkBool(options.setToNone ?? true, "zeroGrad", "setToNone");
    for (const p of this.parameters()) {
      if (options.setToNone === false) {
        p.grad = peekGrad(p) === null ? null : new Tensor(zeros(p.shape, { dtype: p.dtype }));
      } else releaseGrad(p); // a gradient nobody read back goes to the storage pool
    }
  }

  /** Sets `requiresGrad` of every parameter (false freezes the module). */
  requiresGrad_(flag = true): this {
    checkBool(flag, "requiresGrad_", "flag");
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Converts every float parameter, gradient and buffer to `dtype` (PyTorch `.double()` / `.float()`). */
  to(dtype: DType): this {
    if (dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`to: dtype must be "float32" or "float64", got ${describe(dtype)}`);
    }
    for (const p of this.parameters()) {
      if (!isFloat(p.dtype)) continue;
      p.data = astype(p.data, dtype);
      if (p.grad !== null) p.grad = new Tensor(astype(p.grad.data, dtype));
    }
    for (const b of this.buffers()) if (isFloat(b.dtype)) b.data = astype(b.data, dtype);
    return this;
  }

  // ----- state -----

  /**
   * Parameters and persistent buffers by dotted name (PyTorch order: a module's own parameters,
   * then its buffers, then its children's entries). The arrays share memory with the module.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [key, t] of this.#stateEntries("")) out[key] = t.data;
    return out;
  }

  /**
   * Copies values from a state dict into the module's parameters and buffers (converted to their
   * dtypes). Everything is validated before anything is assigned, so on error the module is
   * unchanged: every shape must match (the message names the key and both shapes), and with
   * `strict` (the default) the keys must match exactly.
   */
  loadStateDict(
    stateDict: Record<string, NDArray | Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const op = "loadStateDict";
    if (stateDict === null || typeof stateDict !== "object" || Array.isArray(stateDict)) {
      throw new TypeError(
        `${op}: expected an object mapping names to arrays, got ${describe(stateDict)}`,
      );
    }
    checkOptions(options, op);
    const strict = checkBool(options.strict ?? true, op, "strict");
    const expected = new Map(this.#stateEntries(""));
    const missingKeys = [...expected.keys()].filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !expected.has(k));
    const errors: string[] = [];
    const updates: [Tensor, NDArray][] = [];
    for (const [key, target] of expected) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const raw = stateDict[key];
      const src = raw instanceof Tensor ? raw.data : raw;
      if (!(src instanceof NDArray)) {
        throw new TypeError(
          `${op}: value of '${key}' must be an NDArray or a Tensor, got ${describe(raw)}`,
        );
      }
      if (!sameShape(src.shape, target.shape)) {
        errors.push(
          `size mismatch for '${key}': the module has ${
            fmtShape(target.shape)
          }, the state dict has ${fmtShape(src.shape)}`,
        );
      } else updates.push([target, src]);
    }
    if (strict && missingKeys.length > 0) {
      errors.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(", ")}`);
    }
    if (strict && unexpectedKeys.length > 0) {
      errors.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(", ")}`);
    }
    if (errors.length > 0) {
      throw new RangeError(
        `${op}: cannot load into ${this.constructor.name}: ${errors.join("; ")}`,
      );
    }
    for (const [target, src] of updates) target.data = astype(clone(src), target.dtype);
    return { missingKeys, unexpectedKeys };
  }

  // ----- printing -----

  /**
   * The module tree, one line per module, with each layer's settings, its parameters' shapes and
   * the parameter counts.
   */
  toString(): string {
    return this.#repr(0);
  }

  /**
   * Rich display in Jupyter (Deno's kernel calls this): the tree as an HTML table with parameter
   * shapes and counts ({@link moduleTable}).
   */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return moduleDisplayData(this as unknown as AnyModule);
  }

  #repr(depth: number): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    const own = [...this.#ownParams()];
    const ownText = own.map(([n, p]) => `${n} ${fmtShape(p.shape)}`).join(", ");
    const kids = this.namedChildren();
    const total = this.numParameters();
    if (kids.length === 0) {
      return total === 0 ? `${head})` : `${head})  ${ownText} · ${fmtCount(total)} parameters`;
    }
    const pad = "  ".repeat(depth + 1);
    const lines = kids.map(([name, m]) => `${pad}(${name}): ${m.#repr(depth + 1)}`);
    const ownLine = own.length > 0 ? [`${pad}${ownText}`] : [];
    const tail = total === 0 ? ")" : `)  ${fmtCount(total)} parameters`;
    return `${head}\n${[...ownLine, ...lines].join("\n")}\n${"  ".repeat(depth)}${tail}`;
  }

  // ----- internals -----

  *#ownParams(): Generator<[string, Parameter]> {
    this.#sync();
    yield* this.#params;
  }

  #stateEntries(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    this.#sync();
    for (const [name, p] of this.#params) out.push([join(prefix, name), p]);
    for (const [name, slot] of this.#buffers) {
      if (slot.value !== null && slot.persistent) out.push([join(prefix, name), slot.value]);
    }
    for (const [name, m] of this.#modules) out.push(...m.#stateEntries(join(prefix, name)));
    return out;
  }

  /**
   * Adopts fields that hold Parameters or Modules; a field's name governs the entry of that name
   * (a field set to null removes it).
   */
  #sync(): void {
    const fields = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const v = fields[key];
      if (v instanceof Parameter) adopt(this.#params, key, v);
      else if (v instanceof Module) adopt(this.#modules, key, v as AnyModule);
      else if (v === null || v === undefined) {
        this.#params.delete(key);
        this.#modules.delete(key);
      }
      // Any other value (such as a plain Tensor put in place by functionalCall) leaves the entry alone.
    }
  }

  #checkName(name: string, op: string, kind: "params" | "buffers" | "modules"): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new TypeError(
        `${op}: name must be a non-empty string without '.', got ${describe(name)}`,
      );
    }
    this.#sync();
    const taken = (kind !== "params" && this.#params.has(name))
      ? "a parameter"
      : (kind !== "buffers" && this.#buffers.has(name))
      ? "a buffer"
      : (kind !== "modules" && this.#modules.has(name))
      ? "a module"
      : null;
    if (taken !== null) {
      throw new RangeError(`${op}: '${name}' already names ${taken} of ${this.constructor.name}`);
    }
  }
}

function adopt<T>(map: Registry<T>, key: string, v: T): void {
  if (map.get(key) === v) return;
  if (!map.has(key)) {
    // Already registered under another (explicit) name: the field is only a handle to it.
    for (const existing of map.values()) if (existing === v) return;
  }
  map.set(key, v);
}

/** Checks a traversal's name prefix. */
function checkPrefix(prefix: unknown, op: string): void {
  if (typeof prefix !== "string") {
    throw new TypeError(`${op}: prefix must be a string, got ${describe(prefix)}`);
  }
}

/** Checks a traversal's options (`prefix`, `recurse`). */
function checkTraversal(options: { prefix?: unknown; recurse?: unknown }, op: string): void {
  checkOptions(options, op);
  checkPrefix(options.prefix ?? "", op);
  checkBool(options.recurse ?? true, op, "recurse");
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}
