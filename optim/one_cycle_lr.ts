/**
 * {@link OneCycleLR}: Smith's 1cycle policy: the learning rate rises to a peak and anneals far
 * below its start, while momentum moves the opposite way.
 *
 * @module
 */
import type { Optimizer, ParamGroup } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import {
  checkBool,
  checkInt,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkProbability,
  describe,
} from "@nnc/tensor";

/** How {@link OneCycleLR} interpolates within a phase. */
export type AnnealStrategy = "cos" | "linear";

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Epochs (with `stepsPerEpoch`, when `totalSteps` is not given). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising. Default 0.3. */
  pctStart?: number;
  /** Interpolation within phases. Default `"cos"`. */
  annealStrategy?: AnnealStrategy;
  /** Move momentum (SGD/RMSprop `momentum`, Adam `betas[0]`) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak learning rate. Default 0.85. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end. Default 0.95. */
  maxMomentum?: number | readonly number[];
  /** Initial learning rate = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Final learning rate = initial / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial rate, then to the final) instead of two. Default false. */
  threePhase?: boolean;
}

interface Phase {
  end: number;
  startLr: "initialLr" | "maxLr";
  endLr: "initialLr" | "maxLr" | "minLr";
  startMomentum: "maxMomentum" | "baseMomentum";
  endMomentum: "maxMomentum" | "baseMomentum";
}

function phases(total: number, pct: number, threePhase: boolean): Phase[] {
  if (threePhase) {
    return [
      {
        end: pct * total - 1,
        startLr: "initialLr",
        endLr: "maxLr",
        startMomentum: "maxMomentum",
        endMomentum: "baseMomentum",
      },
      {
        end: 2 * pct * total - 2,
        startLr: "maxLr",
        endLr: "initialLr",
        startMomentum: "baseMomentum",
        endMomentum: "maxMomentum",
      },
      {
        end: total - 1,
        startLr: "initialLr",
        endLr: "minLr",
        startMomentum: "maxMomentum",
        endMomentum: "maxMomentum",
      },
    ];
  }
  return [
    {
      end: pct * total - 1,
      startLr: "initialLr",
      endLr: "maxLr",
      startMomentum: "maxMomentum",
      endMomentum: "baseMomentum",
    },
    {
      end: total - 1,
      startLr: "maxLr",
      endLr: "minLr",
      startMomentum: "baseMomentum",
      endMomentum: "maxMomentum",
    },
  ];
}

function perGroup(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const list = typeof v === "number"
    ? new Array<number>(n).fill(v)
    : Array.isArray(v)
    ? v.slice()
    : null;
  if (list === null || list.length !== n) {
    throw new RangeError(
      `${op}: ${name} must be a number or a list of ${n} (one per param group), got ${describe(v)}`,
    );
  }
  return list;
}

interface Resolved {
  total: number;
  pct: number;
  anneal: AnnealStrategy;
  cycle: boolean;
  three: boolean;
}

function resolve(optimizer: Optimizer, o: OneCycleLROptions): Resolved {
  const op = "OneCycleLR";
  checkOptions(o, op, "maxLr");
  let total: number;
  if (o.totalSteps !== undefined) {
    checkInt(o.totalSteps, op, "totalSteps", 1);
    total = o.totalSteps;
  } else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
    checkInt(o.epochs, op, "epochs", 1);
    checkInt(o.stepsPerEpoch, op, "stepsPerEpoch", 1);
    total = (o.epochs as number) * (o.stepsPerEpoch as number);
  } else {
    throw new TypeError(`${op}: give totalSteps, or epochs and stepsPerEpoch`);
  }
  const pct = o.pctStart ?? 0.3;
  checkProbability(pct, op, "pctStart", true);
  const anneal = o.annealStrategy ?? "cos";
  checkOneOf(anneal, op, "annealStrategy", ["cos", "linear"]);
  const cycle = o.cycleMomentum ?? true;
  checkBool(cycle, op, "cycleMomentum");
  const three = o.threePhase ?? false;
  checkBool(three, op, "threePhase");
  checkPositive(o.divFactor ?? 25, op, "divFactor");
  checkPositive(o.finalDivFactor ?? 1e4, op, "finalDivFactor");
  let start = 0;
  for (const ph of phases(total, pct, three)) {
    if (!(ph.end > start)) {
      throw new RangeError(
        `${op}: pctStart ${pct} with totalSteps ${total} leaves a phase without steps; change either`,
      );
    }
    start = ph.end;
  }
  if (cycle && !("momentum" in optimizer.defaults) && !("betas" in optimizer.defaults)) {
    throw new TypeError(
      `${op}: cycleMomentum needs an optimizer with momentum or betas, ${optimizer.name} has neither (pass cycleMomentum: false)`,
    );
  }
  return { total, pct, anneal, cycle, three };
}

/**
 * The 1cycle schedule (PyTorch's `OneCycleLR`, same defaults and arithmetic): from
 * `maxLr/divFactor` up to `maxLr` over the first `pctStart` of `totalSteps`, then down to
 * `maxLr/(divFactor·finalDivFactor)`, by cosine (or linear) interpolation; momentum (or Adam's
 * β1) goes from `maxMomentum` down to `baseMomentum` and back. Step it after every batch. It
 * writes `initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum` into the groups, as PyTorch.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { OneCycleLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
 * console.assert(Math.abs(sched.getLastLr()[0] - 0.04) < 1e-15 && opt.paramGroups[0].momentum === 0.95);
 * sched.step();
 * sched.step(); // step 2 = the peak (pctStart 0.3 of 10 steps, counted from 0)
 * console.assert(Math.abs(sched.getLastLr()[0] - 1) < 1e-15 && opt.paramGroups[0].momentum === 0.85);
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Length of the cycle. */
  totalSteps: number;
  /** Fraction of the cycle spent rising. */
  pctStart: number;
  /** Interpolation within phases. */
  annealStrategy: AnnealStrategy;
  /** Whether momentum cycles. */
  cycleMomentum: boolean;
  /** Three phases instead of two. */
  threePhase: boolean;

  /** Attaches to `optimizer`, writes the cycle's bounds into its groups and applies step 0. */
  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const r = resolve(optimizer, options);
    const groups = optimizer.paramGroups as ParamGroup[];
    const n = groups.length;
    const maxLrs = perGroup("OneCycleLR", "maxLr", options.maxLr, n);
    maxLrs.forEach((v, i) => checkPositive(v, "OneCycleLR", `maxLr[${i}]`));
    const maxM = perGroup("OneCycleLR", "maxMomentum", options.maxMomentum ?? 0.95, n);
    const baseM = perGroup("OneCycleLR", "baseMomentum", options.baseMomentum ?? 0.85, n);
    if (r.cycle) {
      maxM.forEach((v, i) => checkProbability(v, "OneCycleLR", `maxMomentum[${i}]`));
      baseM.forEach((v, i) => checkProbability(v, "OneCycleLR", `baseMomentum[${i}]`));
    }
    const div = options.divFactor ?? 25, finalDiv = options.finalDivFactor ?? 1e4;
    const useBetas = "betas" in optimizer.defaults;
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / div;
      g.maxLr = maxLrs[i];
      g.minLr = g.initialLr / finalDiv;
      if (!r.cycle) return;
      setMomentum(g, maxM[i], useBetas);
      g.maxMomentum = maxM[i];
      g.baseMomentum = baseM[i];
    });
    super("OneCycleLR", optimizer);
    this.totalSteps = r.total;
    this.pctStart = r.pct;
    this.annealStrategy = r.anneal;
    this.cycleMomentum = r.cycle;
    this.threePhase = r.three;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: tried to step ${step + 1} times; the cycle has totalSteps ${this.totalSteps}`,
      );
    }
    const ph = phases(this.totalSteps, this.pctStart, this.threePhase);
    const anneal = this.annealStrategy === "cos" ? annealCos : annealLinear;
    const useBetas = "betas" in this.optimizer.defaults;
    return this.optimizer.paramGroups.map((g) => {
      let start = 0;
      for (let i = 0; i < ph.length; i++) {
        const p = ph[i];
        if (step <= p.end || i === ph.length - 1) {
          const pct = (step - start) / (p.end - start);
          if (this.cycleMomentum) {
            setMomentum(
              g,
              anneal(g[p.startMomentum] as number, g[p.endMomentum] as number, pct),
              useBetas,
            );
          }
          return anneal(g[p.startLr] as number, g[p.endLr] as number, pct);
        }
        start = p.end;
      }
      return g.lr; // unreachable: the last phase always matches
    });
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return {
      totalSteps: this.totalSteps,
      pctStart: this.pctStart,
      annealStrategy: this.annealStrategy,
      cycleMomentum: this.cycleMomentum,
      threePhase: this.threePhase,
    };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "OneCycleLR.loadStateDict";
    const total = stateNumber(state, "totalSteps", op);
    checkInt(total, op, "totalSteps", 1);
    const pct = stateNumber(state, "pctStart", op);
    checkOneOf(state.annealStrategy, op, "annealStrategy", ["cos", "linear"]);
    checkBool(state.cycleMomentum, op, "cycleMomentum");
    checkBool(state.threePhase, op, "threePhase");
    this.totalSteps = total;
    this.pctStart = pct;
    this.annealStrategy = state.annealStrategy as AnnealStrategy;
    this.cycleMomentum = state.cycleMomentum as boolean;
    this.threePhase = state.threePhase as boolean;
  }
}

function setMomentum(g: ParamGroup, m: number, useBetas: boolean): void {
  const group = g as unknown as Record<string, unknown>;
  if (useBetas) group.betas = [m, (group.betas as number[])[1]];
  else group.momentum = m;
}

function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
