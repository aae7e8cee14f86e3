import assert from "node:assert/strict";
import { Tensor, tensor } from "@nnc/autograd";
import { BatchNorm1d, Linear, mseLoss, ReLU, Sequential } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { fit } from "@nnc/train";
import { array, manualSeed, randn, Rng } from "@nnc/tensor";
import { DistributedDataParallel, SingleProcessCommunicator } from "./mod.ts";
import { FakeCommunicator } from "./_testing.ts";

function values(t: Tensor): number[] {
  return t.data.reshape([t.size]).toArray() as number[];
}

function mlp(seed: number): Sequential {
  manualSeed(seed);
  return new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
}

function lossOf(model: { forward(x: Tensor): Tensor }, seed: number): Tensor {
  const rng = new Rng(seed);
  const x = new Tensor(randn([5, 3], { rng }));
  const y = new Tensor(randn([5, 2], { rng }));
  return mseLoss(model.forward(x), y);
}

Deno.test("DistributedDataParallel: the gradient becomes the average over ranks, element by element", () => {
  const plain = mlp(0);
  lossOf(plain, 1).backward();
  const local = plain.parameters().map((p) => values(p.grad!));
  // The other rank contributes peer(i) = 0.5·i + call to element i of each all-reduce.
  const comm = new FakeCommunicator(2, 0, (call, i) => 0.5 * i + call);
  const ddp = new DistributedDataParallel(mlp(0), { communicator: comm });
  lossOf(ddp, 1).backward();
  // One bucket (a few parameters, far below 25 MiB), filled in reverse parameter order.
  assert.deepEqual(ddp.bucketSizes, [2 + 8 + 4 + 12]);
  const params = ddp.module.parameters();
  const sizes = params.map((p) => p.size);
  // Offsets of each parameter in the bucket: reverse order (last layer's bias first).
  const offsets: number[] = [];
  let at = 0;
  for (let i = params.length - 1; i >= 0; i--) {
    offsets[i] = at;
    at += sizes[i];
  }
  params.forEach((p, i) => {
    const got = values(p.grad!);
    got.forEach((v, j) => {
      const expected = (local[i][j] + 0.5 * (offsets[i] + j)) / 2;
      assert.ok(
        Math.abs(v - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
        `param ${i}[${j}]`,
      );
    });
  });
  assert.deepEqual(
    comm.calls.map((c) => c.kind),
    ["broadcast", "broadcast", "broadcast", "broadcast", "allReduce", "waitAll"],
  );
});

Deno.test("DistributedDataParallel: buckets split at bucketCapMb, reduced in order; overlap starts each full bucket", () => {
  // Parameters of 12, 4, 8, 2 floats; a cap of 40 bytes = 10 floats: buckets [2, 8], [4], [12].
  const comm = new FakeCommunicator(2, 0, () => 1);
  const cap = 40 / (1024 * 1024);
  const ddp = new DistributedDataParallel(mlp(0), {
    communicator: comm,
    bucketCapMb: cap,
    overlap: true,
  });
  assert.deepEqual(ddp.bucketSizes, [10, 4, 12]);
  comm.calls.length = 0;
  lossOf(ddp, 2).backward();
  assert.deepEqual(comm.calls.map((c) => `${c.kind}:${c.length}`), [
    "startAllReduce:10",
    "startAllReduce:4",
    "startAllReduce:12",
    "waitAll:3",
  ]);
  const plain = mlp(0);
  lossOf(plain, 2).backward();
  // The peer adds 1 everywhere: the average is (g + 1) / 2.
  ddp.module.parameters().forEach((p, i) => {
    const want = values(plain.parameters()[i].grad!).map((g) => (g + 1) / 2);
    const got = values(p.grad!);
    got.forEach((v, j) => assert.ok(Math.abs(v - want[j]) < 1e-6));
  });
  // Without overlap the same buckets are reduced after backward, blocking, in the same order.
  const sync = new FakeCommunicator(2, 0, () => 1);
  const ddp2 = new DistributedDataParallel(mlp(0), { communicator: sync, bucketCapMb: cap });
  sync.calls.length = 0;
  lossOf(ddp2, 2).backward();
  assert.deepEqual(sync.calls.map((c) => `${c.kind}:${c.length}`), [
    "allReduce:10",
    "allReduce:4",
    "allReduce:12",
    "waitAll:0",
  ]);
});

Deno.test("DistributedDataParallel: rank 0's parameters and buffers are broadcast at the start and buffers before each training forward", () => {
  const comm = new FakeCommunicator(2, 1, () => 0, (i) => 100 + i);
  manualSeed(3);
  const net = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
  const ddp = new DistributedDataParallel(net, { communicator: comm });
  assert.deepEqual(net.parameters()[0].data.toArray(), [[100, 101], [102, 103]]);
  const buffers = comm.calls.filter((c) => c.kind === "broadcast").length;
  assert.equal(buffers, 4 + 3); // weight, bias, BN weight, BN bias; running mean, var, count
  comm.calls.length = 0;
  ddp.forward(tensor([[1, 2], [3, 4]]));
  assert.equal(comm.calls.filter((c) => c.kind === "broadcast").length, 3);
  ddp.eval();
  comm.calls.length = 0;
  ddp.forward(tensor([[1, 2]]));
  assert.equal(comm.calls.length, 0, "no broadcast in evaluation mode");
});

Deno.test("DistributedDataParallel: noSync accumulates locally; the next pass averages the sum", () => {
  const comm = new FakeCommunicator(2, 0, () => 0);
  const ddp = new DistributedDataParallel(mlp(0), { communicator: comm });
  comm.calls.length = 0;
  ddp.noSync(() => lossOf(ddp, 4).backward());
  assert.equal(comm.calls.length, 0);
  lossOf(ddp, 5).backward();
  assert.equal(comm.calls.filter((c) => c.kind === "allReduce").length, 1);
  const plain = mlp(0);
  lossOf(plain, 4).backward();
  lossOf(plain, 5).backward();
  // The peer adds zeros: the average is half the local sum.
  ddp.module.parameters().forEach((p, i) => {
    const want = values(plain.parameters()[i].grad!);
    values(p.grad!).forEach((v, j) => assert.ok(Math.abs(v - want[j] / 2) < 1e-6));
  });
});

Deno.test("DistributedDataParallel: unused parameters count as zeros, or keep their grad with findUnusedParameters", () => {
  class TwoHeads extends Sequential {
    constructor() {
      super(new Linear(2, 2), new Linear(2, 2));
    }
    override forward(x: Tensor): Tensor {
      return (this.at(0) as Linear).forward(x); // the second layer is never used
    }
  }
  const zeros = new FakeCommunicator(2, 0, () => 2);
  const a = new DistributedDataParallel(new TwoHeads(), { communicator: zeros });
  a.forward(tensor([[1, 1]])).sum().backward();
  const unused = (a.module as TwoHeads).at(1) as Linear;
  assert.deepEqual(unused.weight.grad!.toArray(), [[1, 1], [1, 1]], "(0 + 2) / 2");
  // With findUnusedParameters, a used-flag per parameter is summed over ranks after the buckets
  // (the second all-reduce, to which this peer adds nothing): the second layer was used nowhere
  // and keeps its grad (null), as in a single process.
  const flags = new FakeCommunicator(2, 0, (call) => (call === 1 ? 0 : 2));
  const b = new DistributedDataParallel(new TwoHeads(), {
    communicator: flags,
    findUnusedParameters: true,
  });
  b.forward(tensor([[1, 1]])).sum().backward();
  assert.equal(((b.module as TwoHeads).at(1) as Linear).weight.grad, null, "no rank used it");
  assert.deepEqual(
    flags.calls.map((c) => `${c.kind}:${c.length}`).slice(-3),
    ["allReduce:12", "allReduce:4", "waitAll:0"],
  );
});

Deno.test("DistributedDataParallel: a job of one process trains like the bare model under fit", async () => {
  const data = [[array([[0, 1, 2], [1, 0, 1]]), array([[1, 0], [0, 1]])]] as [
    ReturnType<typeof array>,
    ReturnType<typeof array>,
  ][];
  const bare = mlp(7);
  const ddp = new DistributedDataParallel(mlp(7), {
    communicator: new SingleProcessCommunicator(),
  });
  for (const m of [bare, ddp]) {
    await fit(m, {
      train: data,
      loss: mseLoss,
      optimizer: new SGD(m.parameters(), { lr: 0.1 }),
      epochs: 3,
      progress: "none",
    });
  }
  assert.deepEqual(
    ddp.module.stateDict()["0.weight"].toArray(),
    bare.stateDict()["0.weight"].toArray(),
  );
  assert.deepEqual(Object.keys(ddp.stateDict())[0], "module.0.weight");
});

Deno.test("DistributedDataParallel: arguments and double wrapping are named", () => {
  const comm = new FakeCommunicator(2);
  const net = mlp(0);
  const ddp = new DistributedDataParallel(net, { communicator: comm });
  assert.throws(
    () => new DistributedDataParallel(net, { communicator: comm }),
    /DistributedDataParallel: a parameter of shape \[4, 3\] is already wrapped/,
  );
  ddp.unwrap();
  new DistributedDataParallel(net, { communicator: comm });
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new DistributedDataParallel({} as any, { communicator: comm }),
    (e: unknown) =>
      e instanceof TypeError && /module must be a Module, got an object/.test(e.message),
  );
  assert.throws(
    () => new DistributedDataParallel(mlp(1), { communicator: comm, bucketCapMb: 0 }),
    /DistributedDataParallel: bucketCapMb must be a number in \[0.000001, 1000000\], got 0/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new DistributedDataParallel(mlp(1), { communicator: comm, overlap: "yes" as any }),
    /DistributedDataParallel: overlap must be a boolean/,
  );
});
