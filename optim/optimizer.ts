/**
 * {@link Optimizer}: the base class of every optimiser (PyTorch's `torch.optim.Optimizer`):
 * parameter groups with per-group options, `zeroGrad`, `step(closure?)`, and a state dict in
 * PyTorch's layout.
 *
 * @module
 */
import { astype, checkBool, checkFunction, checkOptions, describe, NDArray } from "@nnc/tensor";
import { enableGrad, peekGrad, releaseGrad, Tensor } from "@nnc/autograd";
import { stateBuffer } from "./_buffers.ts";

/** Options every optimiser has: the learning rate. */
export interface OptimizerOptions {
  /** Learning rate (step size). */
  lr: number;
}

/** Keys that learning-rate schedules store in a parameter group (as PyTorch's do). */
export interface ScheduleKeys {
  /** The learning rate a schedule started from (PyTorch `initial_lr`). */
  initialLr?: number;
  /** Peak learning rate of {@link OneCycleLR} (`max_lr`). */
  maxLr?: number;
  /** Final learning rate of {@link OneCycleLR} (`min_lr`). */
  minLr?: number;
  /** Upper momentum of {@link OneCycleLR} (`max_momentum`). */
  maxMomentum?: number;
  /** Lower momentum of {@link OneCycleLR} (`base_momentum`). */
  baseMomentum?: number;
}

/** A parameter group as the optimiser holds it: every option resolved, plus its tensors. */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & ScheduleKeys & {
  /** The tensors this group updates. */
  params: Tensor[];
};

/** A parameter group as passed in: its tensors and the options that differ from the defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> =
  & Partial<O>
  & ScheduleKeys
  & {
    /** The tensors of this group. */
    params: Tensor | Iterable<Tensor>;
  };

/** What optimisers accept as parameters: tensors, or parameter groups with their own options. */
export type ParamsInput<O extends OptimizerOptions = OptimizerOptions> =
  | Tensor
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/** The state an optimiser keeps for one parameter: buffers (arrays) and counters (numbers). */
export type ParamState = Record<string, NDArray | number>;

/** A hyperparameter value as stored in a state dict. */
export type HyperValue = number | boolean | string | number[];

/** One parameter group in a state dict: hyperparameters (snake_case, as PyTorch) and parameter indices. */
export interface ParamGroupState {
  /** Indices of the group's parameters, numbered across all groups in order. */
  params: number[];
  /** Hyperparameters under PyTorch's names (`lr`, `betas`, `weight_decay`, `initial_lr`, …). */
  [key: string]: HyperValue;
}

/**
 * An optimiser's state in PyTorch's layout: `state` maps a parameter's index (as a string) to
 * its buffers and counters (`exp_avg`, `step`, …), `param_groups` lists the groups.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index. */
  state: Record<string, ParamState>;
  /** The parameter groups (PyTorch `param_groups`). */
  param_groups: ParamGroupState[];
}

/** Options of {@link Optimizer.zeroGrad}. */
export interface ZeroGradOptions {
  /** Set `grad` to null (default true, as PyTorch 2) rather than filling it with zeros. */
  setToNone?: boolean;
}

/** Names of the entries an optimiser keeps per parameter. */
export interface StateKeys {
  /** Counters (numbers), e.g. `step`. */
  scalars: readonly string[];
  /** Buffers shaped like the parameter, e.g. `exp_avg`. */
  tensors: readonly string[];
}

const SCHEDULE_KEYS: readonly string[] = [
  "initialLr",
  "maxLr",
  "minLr",
  "maxMomentum",
  "baseMomentum",
];
/** PyTorch implementation switches that have no meaning here; ignored when loading its state. */
const TORCH_ONLY_KEYS = new Set(["foreach", "capturable", "differentiable", "fused"]);

function toSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function copyValue<T>(v: T): T {
  return (Array.isArray(v) ? v.slice() : v) as T;
}

/**
 * Base class of the optimisers. Subclasses implement the update of one parameter group and
 * validate their options; this class handles parameter groups (`addParamGroup`, per-group
 * options), `zeroGrad`, `step(closure?)` and `stateDict`/`loadStateDict`.
 *
 * State lives in `state`, a map from each parameter to its buffers, created at the parameter's
 * first update. Parameters are updated in place (their `data` keeps its storage).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { type Optimizer, SGD } from "@nnc/optim";
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt: Optimizer = new SGD([w], { lr: 0.5 });
 * w.mul(w).sum().backward(); // gradient 2w
 * opt.step();
 * console.assert(w.toArray().toString() === "0,0");
 * ```
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** Name used in error messages (`"Adam"`, `"SGD"`, …). */
  readonly name: string;
  /** Options of groups that do not set their own. */
  readonly defaults: Readonly<O>;
  /** The parameter groups; schedules change `lr` (and momentum) here. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (buffers and counters), live. */
  readonly state: Map<Tensor, ParamState> = new Map();

  /**
   * Merges `options` into the optimiser's built-in defaults, validates them, and adds the
   * parameters (a list of tensors or of groups).
   */
  protected constructor(name: string, params: ParamsInput<O>, builtin: O, options: Partial<O>) {
    if (new.target === Optimizer) {
      throw new TypeError(
        "Optimizer: the base class cannot be constructed; use an optimiser (SGD, Adam, …) or a subclass",
      );
    }
    if (typeof name !== "string") {
      throw new TypeError(`Optimizer: name must be a string, got ${describe(name)}`);
    }
    this.name = name;
    options = checkOptions(options, name);
    this.defaults = builtin;
    const given: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) if (v !== undefined) given[k] = copyValue(v);
    this.checkKeys(given, name);
    const merged = { ...builtin, ...given };
    this.checkOptions(merged, name);
    this.defaults = Object.freeze(merged) as Readonly<O>;
    const groups = this.#splitParams(params);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks the values of an options object (every key present); `op` prefixes error messages. */
  protected abstract checkOptions(options: Readonly<Record<string, unknown>>, op: string): void;
  /** Updates the parameters of one group from their gradients. */
  protected abstract updateGroup(group: ParamGroup<O>): void;
  /** The per-parameter entries this optimiser may keep (validated by {@link loadStateDict}). */
  protected abstract stateKeys(): StateKeys;

  /**
   * Adds a parameter group with its own options (the others come from `defaults`), e.g. to
   * train a layer unfrozen later. A tensor may belong to one group only.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD } from "@nnc/optim";
   * const a = tensor([1], { requiresGrad: true });
   * const b = tensor([1], { requiresGrad: true });
   * const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
   * opt.addParamGroup({ params: [b], lr: 0.01 });
   * console.assert(opt.paramGroups[1].lr === 0.01 && opt.paramGroups[1].momentum === 0.9);
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const op = `${this.name}: param group ${this.paramGroups.length}`;
    if (
      group === null || typeof group !== "object" || group instanceof Tensor || !("params" in group)
    ) {
      throw new TypeError(`${op}: expected an object with a "params" list, got ${describe(group)}`);
    }
    const params = this.#checkParams(group.params, op);
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(group)) if (k !== "params") options[k] = copyValue(v);
    this.checkKeys(options, op);
    const merged = { ...this.defaults, ...options } as Record<string, unknown>;
    this.checkOptions(merged, op);
    this.paramGroups.push({ ...merged, params } as ParamGroup<O>);
  }

  /**
   * Clears the gradients of all parameters: sets them to null (default), or with
   * `{ setToNone: false }` fills them with zeros.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD } from "@nnc/optim";
   * const w = tensor([3], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * w.mul(w).sum().backward();
   * opt.zeroGrad({ setToNone: false });
   * console.assert(w.grad?.item() === 0);
   * opt.zeroGrad();
   * console.assert(w.grad === null);
   * ```
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    const setToNone = options.setToNone ?? true;
    checkBool(setToNone, `${this.name}.zeroGrad`, "setToNone");
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = peekGrad(p);
        if (g === null) continue;
        // A gradient nobody read back goes to the storage pool for the next backward pass.
        if (setToNone) releaseGrad(p);
        else if (g.isLeaf && g.data.isContiguous) {
          g.data.data.fill(0, g.data.offset, g.data.offset + g.data.size);
        } else p.grad = new Tensor(stateBuffer(p));
      }
    }
  }

  /** Updates every parameter that has a gradient (parameters without one are skipped). */
  step(): undefined;
  /**
   * Calls `closure` (which should clear the gradients, compute the loss and call `backward`), with
   * gradient recording on, then updates the parameters; returns what the closure returned.
   */
  step<L>(closure: () => L): L;
  /**
   * One optimisation step.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD } from "@nnc/optim";
   * const w = tensor([2], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.25 });
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   const l = w.mul(w).sum();
   *   l.backward();
   *   return l.item();
   * });
   * console.assert(loss === 4 && w.item() === 1);
   * ```
   */
  step<L>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure !== undefined) {
      checkFunction(closure, `${this.name}.step`, "closure");
      loss = enableGrad(closure);
    }
    for (const group of this.paramGroups) this.updateGroup(group);
    return loss;
  }

  /**
   * A snapshot of the optimiser in PyTorch's layout: per-parameter state by index (buffers
   * copied) and the groups' hyperparameters under PyTorch's snake_case names. Load it with
   * {@link loadStateDict} into an optimiser built over the same parameters; save it with
   * `saveOptimizerState`.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { Adam } from "@nnc/optim";
   * const w = tensor([1, 2], { requiresGrad: true });
   * const opt = new Adam([w], { lr: 0.1, weightDecay: 0.01 });
   * w.mul(w).sum().backward();
   * opt.step();
   * const sd = opt.stateDict();
   * console.assert(sd.state["0"].step === 1 && sd.param_groups[0].weight_decay === 0.01);
   * console.assert(sd.param_groups[0].params.join() === "0");
   * ```
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const groups: ParamGroupState[] = [];
    for (const group of this.paramGroups) {
      const out: Record<string, HyperValue> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k !== "params" && v !== undefined) out[toSnake(k)] = copyValue(v as HyperValue);
      }
      const ids: number[] = [];
      for (const p of group.params) {
        index.set(p, index.size);
        ids.push(index.size - 1);
      }
      groups.push({ ...out, params: ids } as ParamGroupState);
    }
    const state: Record<string, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = v instanceof NDArray ? v.clone() : v;
      state[String(i)] = copy;
    }
    return { state, param_groups: groups };
  }

  /**
   * Restores a state from {@link stateDict} (or a PyTorch `state_dict()` converted to these types):
   * group hyperparameters and per-parameter state. The optimiser must have the same number of
   * groups and parameters per group. Everything is validated before anything changes; buffers are
   * copied and converted to each parameter's dtype.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD } from "@nnc/optim";
   * const w = tensor([1], { requiresGrad: true });
   * const a = new SGD([w], { lr: 0.1, momentum: 0.9 });
   * w.mul(w).sum().backward();
   * a.step();
   * const b = new SGD([w], { lr: 1 });
   * b.loadStateDict(a.stateDict());
   * console.assert(b.paramGroups[0].lr === 0.1 && b.state.get(w)?.momentum_buffer !== undefined);
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== "object") {
      throw new TypeError(`${op}: expected a state dict object, got ${describe(stateDict)}`);
    }
    const { state, param_groups: groups } = stateDict;
    if (!Array.isArray(groups)) {
      throw new TypeError(`${op}: param_groups must be an array, got ${describe(groups)}`);
    }
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new TypeError(
        `${op}: state must be an object keyed by parameter index, got ${describe(state)}`,
      );
    }
    if (groups.length !== this.paramGroups.length) {
      throw new RangeError(
        `${op}: the state dict has ${groups.length} param groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex: Tensor[] = [];
    const newOptions = groups.map((g, gi) => {
      const ours = this.paramGroups[gi];
      if (g === null || typeof g !== "object" || !Array.isArray(g.params)) {
        throw new TypeError(
          `${op}: param_groups[${gi}] must be an object with a "params" index list, got ${
            describe(g)
          }`,
        );
      }
      if (g.params.length !== ours.params.length) {
        throw new RangeError(
          `${op}: param_groups[${gi}] has ${g.params.length} params, the optimizer's group has ${ours.params.length}`,
        );
      }
      g.params.forEach((id, j) => {
        if (!Number.isInteger(id) || id < 0) {
          throw new TypeError(
            `${op}: param_groups[${gi}].params[${j}] must be a parameter index, got ${
              describe(id)
            }`,
          );
        }
        byIndex[id] = ours.params[j];
      });
      return this.#groupOptions(g, `${op}: param_groups[${gi}]`);
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entries] of Object.entries(state)) {
      const p = /^\d+$/.test(key) ? byIndex[Number(key)] : undefined;
      if (p === undefined) {
        throw new RangeError(
          `${op}: state key ${JSON.stringify(key)} is not the index of a parameter in param_groups`,
        );
      }
      newState.set(p, this.#loadParamState(p, entries, `${op}: state[${key}]`));
    }
    this.paramGroups.forEach((g, gi) => Object.assign(g, newOptions[gi]));
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /** The state record of `p` (created empty on first use). */
  protected paramState(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** The buffer `key` of `p`'s state, created filled with `fill` when missing. */
  protected buffer(p: Tensor, s: ParamState, key: string, fill = 0): NDArray {
    const b = s[key];
    if (b instanceof NDArray) {
      if (b.size !== p.data.size) {
        throw new RangeError(
          `${this.name}: state ${key} has ${b.size} elements but its parameter now has ${p.data.size} (shape [${
            p.data.shape.join(", ")
          }])`,
        );
      }
      return b;
    }
    const created = stateBuffer(p, fill);
    s[key] = created;
    return created;
  }

  /** Throws on option names this optimiser does not have (PyTorch's snake_case ones included). */
  protected checkKeys(options: Readonly<Record<string, unknown>>, op: string): void {
    for (const k of Object.keys(options)) {
      if (k in this.defaults || SCHEDULE_KEYS.includes(k)) continue;
      const hint = toCamel(k) in this.defaults ? ` (did you mean "${toCamel(k)}"?)` : "";
      throw new TypeError(
        `${op}: unknown option ${JSON.stringify(k)}${hint}; known: ${
          Object.keys(this.defaults).join(", ")
        }`,
      );
    }
  }

  #groupOptions(g: ParamGroupState, op: string): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) {
      if (k === "params" || TORCH_ONLY_KEYS.has(k)) continue;
      options[toCamel(k)] = copyValue(v);
    }
    this.checkKeys(options, op);
    this.checkOptions({ ...this.defaults, ...options }, op);
    return options;
  }

  #loadParamState(p: Tensor, entries: unknown, op: string): ParamState {
    if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
      throw new TypeError(
        `${op}: expected an object of buffers and counters, got ${describe(entries)}`,
      );
    }
    const keys = this.stateKeys();
    const out: ParamState = {};
    for (const [k, v] of Object.entries(entries as Record<string, unknown>)) {
      if (v === null || v === undefined) continue; // PyTorch stores momentum_buffer: None
      if (keys.scalars.includes(k)) {
        const n = v instanceof NDArray && v.size === 1 ? v.data[v.offset] : v;
        if (typeof n !== "number" || !Number.isFinite(n)) {
          throw new TypeError(`${op}.${k} must be a finite number, got ${describe(v)}`);
        }
        out[k] = n;
      } else if (keys.tensors.includes(k)) {
        if (!(v instanceof NDArray)) {
          throw new TypeError(`${op}.${k} must be an NDArray, got ${describe(v)}`);
        }
        const shape = p.data.shape;
        if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
          throw new RangeError(
            `${op}.${k} has shape [${v.shape.join(", ")}], its parameter has shape [${
              shape.join(", ")
            }]`,
          );
        }
        out[k] = astype(v, p.data.dtype, true);
      } else {
        throw new RangeError(
          `${op}: unknown state entry ${JSON.stringify(k)} for ${this.name}; known: ${
            [...keys.scalars, ...keys.tensors].join(", ")
          }`,
        );
      }
    }
    return out;
  }

  #splitParams(params: ParamsInput<O>): ParamGroupInput<O>[] {
    const op = this.name;
    if (params instanceof Tensor) return [{ params: [params] } as unknown as ParamGroupInput<O>];
    if (
      params === null || typeof params !== "object" ||
      typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(
        `${op}: params must be a Tensor, an iterable of Tensors or of parameter groups, got ${
          describe(params)
        }`,
      );
    }
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new RangeError(`${op}: got an empty parameter list`);
    if (items.every((x) => x instanceof Tensor)) {
      return [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>];
    }
    if (items.some((x) => x instanceof Tensor)) {
      const i = items.findIndex((x) => !(x instanceof Tensor));
      throw new TypeError(
        `${op}: params[${i}] must be a Tensor like the others, got ${describe(items[i])}`,
      );
    }
    const i = items.findIndex((x) => x === null || typeof x !== "object" || !("params" in x));
    if (i >= 0) {
      const hint = items[i] instanceof NDArray
        ? " (wrap it: tensor(x, { requiresGrad: true }))"
        : "";
      throw new TypeError(
        `${op}: params[${i}] must be a Tensor or a parameter group { params, ...options }, got ${
          describe(items[i])
        }${hint}`,
      );
    }
    return items as ParamGroupInput<O>[];
  }

  #checkParams(input: unknown, op: string): Tensor[] {
    let list: unknown[];
    if (input instanceof Tensor) list = [input];
    else if (
      input !== null && typeof input === "object" &&
      typeof (input as Iterable<unknown>)[Symbol.iterator] === "function"
    ) {
      list = [...(input as Iterable<unknown>)];
    } else {
      throw new TypeError(
        `${op}: params must be a Tensor or an iterable of Tensors, got ${describe(input)}`,
      );
    }
    const seen = new Map<Tensor, number>();
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        const hint = p instanceof NDArray ? " (wrap it: tensor(x, { requiresGrad: true }))" : "";
        throw new TypeError(`${op}: params[${i}] must be a Tensor, got ${describe(p)}${hint}`);
      }
      if (!p.requiresGrad) {
        throw new RangeError(
          `${op}: params[${i}] (shape [${
            p.shape.join(", ")
          }]) does not require grad; create it with { requiresGrad: true } or leave it out`,
        );
      }
      if (!p.isLeaf) {
        throw new RangeError(
          `${op}: params[${i}] (shape [${
            p.shape.join(", ")
          }]) is not a leaf tensor (made by '${p.gradFn?.name}'); optimise the leaves it was computed from`,
        );
      }
      const dup = seen.get(p);
      if (dup !== undefined) {
        throw new RangeError(`${op}: params[${i}] is the same tensor as params[${dup}]`);
      }
      seen.set(p, i);
      const other = this.paramGroups.findIndex((g) => g.params.includes(p));
      if (other >= 0) {
        throw new RangeError(
          `${op}: params[${i}] (shape [${p.shape.join(", ")}]) is already in param group ${other}`,
        );
      }
    });
    return list as Tensor[];
  }
}
