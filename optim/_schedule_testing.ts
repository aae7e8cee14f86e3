// Test helpers for fixtures/schedulers.json (made by fixtures/scheduler_fixtures.py with PyTorch
// 2.x): the named functions, a builder for the cases' schedules and a runner that records each
// group's learning rate and momentum after construction and after every step.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Adam,
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiplicativeLR,
  type Optimizer,
  PolynomialLR,
  SequentialLR,
  SGD,
  StepLR,
} from "./mod.ts";
import { param } from "./_scalar_testing.ts";
import { assertClose } from "./_trajectory_testing.ts";

/** The functions named in the fixtures (the same as in scheduler_fixtures.py's LAMBDAS). */
export const LAMBDAS: Record<string, (x: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inv: (e) => 1 / (1 + e),
  warm3: (e) => Math.min(1.0, (e + 1) / 3),
  const09: () => 0.9,
  lin001: (e) => 1 - 0.01 * e,
  invSqrt: (x) => 1 / Math.sqrt(1 + x),
  pow09: (x) => 0.9 ** x,
};

/** A schedule in the fixture file. */
export interface ScheduleSpec {
  type: string;
  options: Record<string, unknown>;
  schedulers?: ScheduleSpec[];
}

/** One case: optimiser, schedule, and PyTorch's values after construction and each step. */
export interface ScheduleCase {
  id: string;
  optimizer: "SGD" | "Adam";
  defaults: Record<string, unknown>;
  scheduler: ScheduleSpec;
  lrs: number[][];
  lastLrs: number[][];
  momenta: number[][];
}

/** The fixture file. */
export interface ScheduleFixtures {
  torch: string;
  steps: number;
  groupLrs: number[];
  cases: ScheduleCase[];
}

/** The fixtures, parsed. */
export const scheduleFixtures: ScheduleFixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/schedulers.json", import.meta.url)),
);

/** The case's optimiser: two groups with the fixture's learning rates. */
export function makeGroupsOptimizer(c: ScheduleCase): Optimizer {
  const groups = scheduleFixtures.groupLrs.map((lr) => ({ params: [param([0])], lr }));
  const Ctor = c.optimizer === "Adam" ? Adam : SGD;
  return new Ctor(groups as never, c.defaults as never);
}

function withFunctions(o: Record<string, unknown>): Record<string, unknown> {
  const out = { ...o };
  for (const key of ["lrLambda", "scaleFn"]) {
    const v = out[key];
    if (typeof v === "string") out[key] = LAMBDAS[v];
    else if (Array.isArray(v)) out[key] = v.map((n) => LAMBDAS[n as string]);
  }
  return out;
}

/** Builds a case's schedule (children first, as in the script). */
export function buildSchedule(spec: ScheduleSpec, opt: Optimizer): LRScheduler {
  const o = withFunctions(spec.options) as never;
  switch (spec.type) {
    case "LambdaLR":
      return new LambdaLR(opt, o);
    case "MultiplicativeLR":
      return new MultiplicativeLR(opt, o);
    case "ConstantLR":
      return new ConstantLR(opt, o);
    case "LinearLR":
      return new LinearLR(opt, o);
    case "PolynomialLR":
      return new PolynomialLR(opt, o);
    case "CyclicLR":
      return new CyclicLR(opt, o);
    case "ExponentialLR":
      return new ExponentialLR(opt, o);
    case "StepLR":
      return new StepLR(opt, o);
    case "CosineAnnealingLR":
      return new CosineAnnealingLR(opt, o);
    case "SequentialLR": {
      const schedulers = (spec.schedulers ?? []).map((s) => buildSchedule(s, opt));
      return new SequentialLR(opt, { schedulers, milestones: spec.options.milestones as number[] });
    }
    case "ChainedScheduler":
      return new ChainedScheduler((spec.schedulers ?? []).map((s) => buildSchedule(s, opt)));
  }
  throw new Error(`unknown schedule ${spec.type}`);
}

/** Learning rates, last rates and momenta after construction and after each of `steps` steps. */
export interface ScheduleRun {
  lrs: number[][];
  lastLrs: number[][];
  momenta: number[][];
}

function momentumOf(g: Record<string, unknown>): number {
  return Array.isArray(g.betas) ? g.betas[0] as number : g.momentum as number;
}

/** Records `sched` on `opt` for `steps` steps (appending to `out`). */
export function record(
  opt: Optimizer,
  sched: LRScheduler,
  steps: number,
  out: ScheduleRun = { lrs: [], lastLrs: [], momenta: [] },
  first = true,
): ScheduleRun {
  const snap = () => {
    out.lrs.push(opt.paramGroups.map((g) => g.lr));
    out.lastLrs.push(sched.getLastLr());
    out.momenta.push(
      opt.paramGroups.map((g) => momentumOf(g as unknown as Record<string, unknown>)),
    );
  };
  if (first) snap();
  for (let k = 0; k < steps; k++) {
    opt.step();
    sched.step();
    snap();
  }
  return out;
}

/** Registers one test per fixture case whose top-level schedule is `type`. */
export function registerScheduleCases(type: string): void {
  const cases = scheduleFixtures.cases.filter((c) => c.scheduler.type === type);
  assert.ok(cases.length > 0, `no fixture cases for ${type}`);
  for (const c of cases) {
    Deno.test(
      `${type} reproduces torch.optim.lr_scheduler ${scheduleFixtures.torch} for ${scheduleFixtures.steps} steps, two groups: ${c.id}`,
      () => {
        const opt = makeGroupsOptimizer(c);
        const r = record(opt, buildSchedule(c.scheduler, opt), scheduleFixtures.steps);
        c.lrs.forEach((row, k) => assertClose(r.lrs[k], row, `${c.id} lr after ${k} steps`));
        c.lastLrs.forEach((row, k) =>
          assertClose(r.lastLrs[k], row, `${c.id} getLastLr after ${k} steps`)
        );
        c.momenta.forEach((row, k) =>
          assertClose(r.momenta[k], row, `${c.id} momentum after ${k} steps`)
        );
      },
    );
    Deno.test(`${type}: saving mid-run and resuming gives the identical run: ${c.id}`, () => {
      const steps = scheduleFixtures.steps, cut = 7;
      const opt = makeGroupsOptimizer(c);
      const sched = buildSchedule(c.scheduler, opt);
      const full = record(opt, sched, steps);
      const opt1 = makeGroupsOptimizer(c);
      const s1 = buildSchedule(c.scheduler, opt1);
      record(opt1, s1, cut);
      const optState = opt1.stateDict();
      const schedState = JSON.parse(JSON.stringify(s1.stateDict()));
      const opt2 = makeGroupsOptimizer(c);
      const s2 = buildSchedule(c.scheduler, opt2);
      opt2.loadStateDict(optState);
      s2.loadStateDict(schedState);
      assert.deepEqual(s2.stateDict(), s1.stateDict());
      const rest = record(opt2, s2, steps - cut);
      assert.deepEqual(rest.lrs, full.lrs.slice(cut), `${c.id}: learning rates after resuming`);
      assert.deepEqual(rest.lastLrs, full.lastLrs.slice(cut), `${c.id}: getLastLr after resuming`);
      assert.deepEqual(rest.momenta, full.momenta.slice(cut), `${c.id}: momenta after resuming`);
    });
  }
}

const WEIRD: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(undefined, null, "", "triangular", "triangular2", "exp_range", "iterations"),
  fc.boolean(),
  fc.array(fc.oneof(fc.double(), fc.integer({ min: -2, max: 6 })), { maxLength: 3 }),
  fc.constantFrom<unknown>(
    () => NaN,
    (x: number) => x,
    () => 0.5,
    () => "1",
    (x: number) => 2 ** x,
  ),
  fc.constant({}),
);

/**
 * Registers a property: any values for `keys` either build a schedule that then steps 12 times,
 * or fail with a TypeError/RangeError that names the schedule.
 */
export function registerOptionFuzz(
  type: string,
  keys: readonly string[],
  make: (opt: Optimizer, options: Record<string, unknown>) => LRScheduler,
): void {
  Deno.test(`${type}: property: any options give a schedule or a TypeError/RangeError naming ${type}`, () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...keys), WEIRD, { maxKeys: keys.length }),
        fc.boolean(),
        (options, adam) => {
          const c = {
            optimizer: adam ? "Adam" : "SGD",
            defaults: adam ? {} : { lr: 0.1, momentum: 0.9 },
          };
          const opt = makeGroupsOptimizer(c as ScheduleCase);
          try {
            const s = make(opt, options);
            for (let k = 0; k < 12; k++) s.step();
            s.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
          } catch (e) {
            assert.ok(
              (e instanceof TypeError || e instanceof RangeError) &&
                e.message.startsWith(type),
              `${JSON.stringify(options)}: ${e}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
}
