// Test helpers: the fixed least-squares problem of fixtures/trajectories.json (made by
// fixtures/optim_fixtures.py with PyTorch 1.13 in float64) and a runner that replays a case.
import assert from "node:assert/strict";
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LinearWarmup,
  type LRScheduler,
  MultiStepLR,
  NAdam,
  OneCycleLR,
  type Optimizer,
  RAdam,
  ReduceLROnPlateau,
  RMSprop,
  Rprop,
  SGD,
  SignSGD,
  StepLR,
} from "./mod.ts";

/** Parameters by name, after one step. */
export interface Snapshot {
  W: number[];
  b: number[];
}

/** A group in a fixture: parameter names and options. */
export interface GroupSpec {
  params: ("W" | "b")[];
  [option: string]: unknown;
}

/** A schedule in a fixture. */
export interface SchedulerSpec {
  type: string;
  options: Record<string, unknown>;
  after?: SchedulerSpec;
}

/** One case of the fixture file. */
export interface Case {
  id: string;
  optimizer: string;
  defaults: Record<string, unknown>;
  groups: GroupSpec[];
  trajectory: Snapshot[];
  losses: number[];
  scheduler?: SchedulerSpec;
  metrics?: number[];
  lrs?: number[][];
  lrsAfter?: number[];
  momenta?: (number | null)[][];
  /** The PyTorch that made this case, when not the file's (see fixtures/optim_fixtures.py). */
  torch?: string;
}

/** The whole fixture file. */
export interface Fixtures {
  torch: string;
  problem: { X: number[][]; Y: number[][]; W0: number[][]; b0: number[]; steps: number };
  optimizers: Case[];
  schedulers: Case[];
  stateDict: Case & {
    stateDict: {
      state: Record<string, Record<string, number | number[]>>;
      param_groups: Record<string, unknown>[];
    };
    paramsAfter3: Snapshot;
  };
}

/** The fixtures, parsed. */
export const fixtures: Fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/trajectories.json", import.meta.url)),
);

const { X, Y } = fixtures.problem;

/** Fresh parameters W (3×2) and b (2) at the problem's starting point, float64. */
export function makeParams(): { W: Tensor; b: Tensor } {
  const W = new Tensor(NDArray.fromTyped(Float64Array.from(fixtures.problem.W0.flat()), [3, 2]), {
    requiresGrad: true,
  });
  const b = new Tensor(NDArray.fromTyped(Float64Array.from(fixtures.problem.b0), [2]), {
    requiresGrad: true,
  });
  return { W, b };
}

/** Sets W.grad and b.grad to the gradient of 0.5‖XW + b − Y‖² and returns the loss. */
export function setGradients(p: { W: Tensor; b: Tensor }): number {
  const w = p.W.data.contiguous().data, b = p.b.data.contiguous().data;
  const gW = new Float64Array(6), gb = new Float64Array(2);
  let loss = 0;
  for (let r = 0; r < X.length; r++) {
    for (let j = 0; j < 2; j++) {
      let z = b[j];
      for (let k = 0; k < 3; k++) z += X[r][k] * w[k * 2 + j];
      const res = z - Y[r][j];
      loss += 0.5 * res * res;
      gb[j] += res;
      for (let k = 0; k < 3; k++) gW[k * 2 + j] += X[r][k] * res;
    }
  }
  p.W.grad = new Tensor(NDArray.fromTyped(gW, [3, 2]));
  p.b.grad = new Tensor(NDArray.fromTyped(gb, [2]));
  return loss;
}

const OPTIMIZERS: Record<string, new (params: never, options: never) => Optimizer> = {
  SGD: SGD as never,
  Adam: Adam as never,
  AdamW: AdamW as never,
  Adamax: Adamax as never,
  NAdam: NAdam as never,
  RAdam: RAdam as never,
  RMSprop: RMSprop as never,
  Rprop: Rprop as never,
  Adagrad: Adagrad as never,
  Adadelta: Adadelta as never,
  SignSGD: SignSGD as never,
};

/** Builds the case's optimiser over `p`. */
export function makeOptimizer(
  c: Pick<Case, "optimizer" | "defaults" | "groups">,
  p: { W: Tensor; b: Tensor },
): Optimizer {
  const groups = c.groups.map(({ params, ...options }) => ({
    ...options,
    params: params.map((n) => p[n]),
  }));
  return new OPTIMIZERS[c.optimizer](groups as never, c.defaults as never);
}

/** Builds the case's schedule (a warm-up's follower first, as PyTorch's SequentialLR). */
export function makeScheduler(
  spec: SchedulerSpec,
  opt: Optimizer,
): LRScheduler | ReduceLROnPlateau {
  const o = spec.options as never;
  switch (spec.type) {
    case "StepLR":
      return new StepLR(opt, o);
    case "MultiStepLR":
      return new MultiStepLR(opt, o);
    case "ExponentialLR":
      return new ExponentialLR(opt, o);
    case "CosineAnnealingLR":
      return new CosineAnnealingLR(opt, o);
    case "CosineAnnealingWarmRestarts":
      return new CosineAnnealingWarmRestarts(opt, o);
    case "OneCycleLR":
      return new OneCycleLR(opt, o);
    case "ReduceLROnPlateau":
      return new ReduceLROnPlateau(opt, o);
    case "LinearWarmup": {
      const after = spec.after ? makeScheduler(spec.after, opt) as LRScheduler : undefined;
      return new LinearWarmup(opt, { ...(spec.options as { warmupSteps: number }), after });
    }
  }
  throw new Error(`unknown scheduler ${spec.type}`);
}

/** What a replay records per step. */
export interface Replay {
  trajectory: Snapshot[];
  lrs: number[][];
  momenta: (number | null)[][];
  losses: number[];
  optimizer: Optimizer;
}

function momentumOf(g: Record<string, unknown>): number | null {
  if (Array.isArray(g.betas)) return g.betas[0] as number;
  return typeof g.momentum === "number" ? g.momentum : null;
}

/** Replays a case: gradient, optimiser step, schedule step, for `steps` steps. */
export function replay(c: Case, steps = fixtures.problem.steps): Replay {
  const p = makeParams();
  const opt = makeOptimizer(c, p);
  const sched = c.scheduler ? makeScheduler(c.scheduler, opt) : null;
  const out: Replay = { trajectory: [], lrs: [], momenta: [], losses: [], optimizer: opt };
  for (let k = 0; k < steps; k++) {
    out.lrs.push(opt.paramGroups.map((g) => g.lr));
    out.momenta.push(
      opt.paramGroups.map((g) => momentumOf(g as unknown as Record<string, unknown>)),
    );
    opt.zeroGrad();
    out.losses.push(setGradients(p));
    opt.step();
    if (sched instanceof ReduceLROnPlateau) sched.step((c.metrics as number[])[k]);
    else if (sched !== null) sched.step();
    out.trajectory.push(snapshot(p));
  }
  return out;
}

/** The parameters' values as plain arrays. */
export function snapshot(p: { W: Tensor; b: Tensor }): Snapshot {
  return { W: Array.from(p.W.data.contiguous().data), b: Array.from(p.b.data.contiguous().data) };
}

/** Largest relative difference seen by {@link assertClose} (reported by the tests). */
export const worst = { rel: 0 };

/** Asserts `|a − e| ≤ rtol·max(|e|, 1e-3)` elementwise (relative, with a floor for values near 0). */
export function assertClose(
  actual: readonly number[],
  expected: readonly number[],
  what: string,
  rtol = 1e-12,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]), 1e-3);
    const rel = Math.abs(actual[i] - expected[i]) / scale;
    if (rel > worst.rel) worst.rel = rel;
    assert.ok(
      rel <= rtol,
      `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (relative error ${
        rel.toExponential(2)
      })`,
    );
  }
}

/** Asserts a replayed trajectory equals the fixture's. */
export function assertTrajectory(
  actual: Snapshot[],
  expected: Snapshot[],
  what: string,
  rtol = 1e-12,
): void {
  assert.equal(actual.length, expected.length, `${what}: number of steps`);
  expected.forEach((e, k) => {
    assertClose(actual[k].W, e.W, `${what} step ${k + 1} W`, rtol);
    assertClose(actual[k].b, e.b, `${what} step ${k + 1} b`, rtol);
  });
}

/** Registers one test per fixture case of `optimizer` (trajectory and losses vs PyTorch). */
export function registerTrajectoryTests(optimizer: string): void {
  const cases = fixtures.optimizers.filter((c) => c.optimizer === optimizer);
  assert.ok(cases.length > 0, `no fixture cases for ${optimizer}`);
  for (const c of cases) {
    const torch = c.torch ?? fixtures.torch;
    Deno.test(`${optimizer} reproduces torch.optim ${torch} for 10 steps: ${c.id}`, () => {
      const r = replay(c);
      assertClose(r.losses, c.losses, `${c.id} losses`);
      assertTrajectory(r.trajectory, c.trajectory, c.id);
    });
  }
}

/** Registers one test per fixture case driven by schedule `type` (learning rates, momenta, parameters). */
export function registerSchedulerTests(type: string): void {
  const cases = fixtures.schedulers.filter((c) => c.scheduler?.type === type);
  assert.ok(cases.length > 0, `no fixture cases for ${type}`);
  for (const c of cases) {
    Deno.test(`${type} reproduces torch.optim.lr_scheduler ${fixtures.torch}: ${c.id}`, () => {
      const r = replay(c);
      r.lrs.forEach((row, k) =>
        assertClose(row, (c.lrs as number[][])[k], `${c.id} lr before step ${k + 1}`)
      );
      assertClose(
        r.optimizer.paramGroups.map((g) => g.lr),
        c.lrsAfter as number[],
        `${c.id} lr after`,
      );
      if (c.momenta) {
        r.momenta.forEach((row, k) =>
          assertClose(row as number[], (c.momenta as number[][])[k], `${c.id} momentum ${k + 1}`)
        );
      }
      assertTrajectory(r.trajectory, c.trajectory, c.id);
    });
  }
}
