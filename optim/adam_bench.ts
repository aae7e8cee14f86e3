// One Adam step on a 784×512 float32 parameter: the fused loop the optimiser uses, against the
// same update written as NDArray ops (allocating, as a user would compose them) and as backend
// kernels writing in place. Run: deno bench -A optim/adam_bench.ts (NNC_BACKEND=native for C).
import {
  add,
  assign,
  div,
  getBackend,
  mul,
  NDArray,
  randn,
  Rng,
  sqrt,
  sub,
  zeros,
} from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Adam, SGD } from "./mod.ts";

const shape = [784, 512];
const rng = new Rng(0);
const grad = randn(shape, { rng });

function leaf(): Tensor {
  const p = new Tensor(randn(shape, { rng }), { requiresGrad: true });
  p.grad = new Tensor(grad);
  return p;
}

const fused = leaf();
const adam = new Adam([fused], { lr: 1e-3 });
Deno.bench("Adam step, fused typed-array loop (the optimiser)", {
  group: "adam 784×512 f32",
  baseline: true,
}, () => {
  adam.step();
});

const amsP = leaf();
const ams = new Adam([amsP], { lr: 1e-3, amsgrad: true });
Deno.bench("AMSGrad step, fused loop", { group: "adam 784×512 f32" }, () => {
  ams.step();
});

// The same arithmetic as NDArray ops: 10 allocating ops per step.
const vp = randn(shape, { rng });
let vm = zeros(shape), vv = zeros(shape), vt = 0;
Deno.bench("Adam step, NDArray ops (allocating)", { group: "adam 784×512 f32" }, () => {
  vt++;
  const b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;
  vm = add(mul(vm, b1), mul(grad, 1 - b1));
  vv = add(mul(vv, b2), mul(mul(grad, grad), 1 - b2));
  const denom = add(div(sqrt(vv), Math.sqrt(1 - b2 ** vt)), eps);
  assign(vp, sub(vp, mul(div(vm, denom), lr / (1 - b1 ** vt))));
});

// Backend kernels with `out` = an input: no allocation, but one pass over memory per op.
const kp = randn(shape, { rng });
const km = zeros(shape), kv = zeros(shape), tmp = zeros(shape);
const scalar = (v: number) => NDArray.fromTyped(new Float32Array([v]), [1, 1]).expand(shape);
let kt = 0;
Deno.bench("Adam step, backend kernels in place", { group: "adam 784×512 f32" }, () => {
  const be = getBackend();
  kt++;
  const b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;
  be.binary("mul", km, km, scalar(b1));
  be.binary("mul", tmp, grad, scalar(1 - b1));
  be.binary("add", km, km, tmp);
  be.binary("mul", kv, kv, scalar(b2));
  be.binary("mul", tmp, grad, grad);
  be.binary("mul", tmp, tmp, scalar(1 - b2));
  be.binary("add", kv, kv, tmp);
  be.unary("sqrt", tmp, kv);
  be.binary("div", tmp, tmp, scalar(Math.sqrt(1 - b2 ** kt)));
  be.binary("add", tmp, tmp, scalar(eps));
  be.binary("div", tmp, km, tmp);
  be.binary("mul", tmp, tmp, scalar(lr / (1 - b1 ** kt)));
  be.binary("sub", kp, kp, tmp);
});

const sgdP = leaf();
const sgd = new SGD([sgdP], { lr: 1e-3, momentum: 0.9, nesterov: true });
Deno.bench("SGD Nesterov step, fused loop", { group: "sgd 784×512 f32" }, () => {
  sgd.step();
});
