/**
 * {@link DistributedDataParallel}: the same model in every process of a job, each on its own
 * shard of the data; gradients averaged over the processes after every backward pass, so that
 * every replica takes the same optimiser step (PyTorch's `DistributedDataParallel`).
 *
 * @module
 */
import { queueBackwardCallback, type RemovableHandle, Tensor } from "@nnc/autograd";
import { Module, type Parameter } from "@nnc/layers";
import {
  checkBool,
  checkFunction,
  checkNumber,
  checkOptions,
  describe,
  NDArray,
  Storage,
} from "@nnc/tensor";
import type { Communicator } from "./communicator.ts";
import { requireWorld } from "./_world.ts";

/**
 * Options of {@link DistributedDataParallel}.
 *
 * @example
 * ```ts
 * import type { DistributedDataParallelOptions } from "@nnc/distributed";
 * const options: DistributedDataParallelOptions = { bucketCapMb: 25, overlap: true };
 * ```
 */
export interface DistributedDataParallelOptions {
  /** The job (default: the one of `initDistributed()`). */
  communicator?: Communicator;
  /**
   * Size of a gradient bucket in MiB (default 25, as PyTorch): gradients are copied into
   * buckets and each bucket is reduced with one all-reduce, so that many small tensors cost few
   * calls.
   */
  bucketCapMb?: number;
  /**
   * Copy rank 0's buffers (batch-norm running statistics) to every rank before each forward pass
   * in training mode (default true), so that the replicas' buffers stay equal.
   */
  broadcastBuffers?: boolean;
  /**
   * Reduce each bucket on the communication thread as soon as backward has completed it, while
   * backward goes on with the earlier layers (default false: every bucket is reduced after
   * backward). Needs MPI at `MPI_THREAD_SERIALIZED` (otherwise it falls back to reducing at
   * once). The communication thread competes for cores with the computation: it pays where a
   * core is free for it or the network is slow, not when every core already runs a rank.
   */
  overlap?: boolean;
  /**
   * Support parameters that get no gradient in some passes on some ranks (default false: such a
   * parameter counts as a zero gradient of that rank, and its `grad` is set to the average).
   * With true, one more small all-reduce per pass finds the parameters that no rank used; they
   * keep the `grad` they had (as in a single process).
   */
  findUnusedParameters?: boolean;
}

interface Bucket {
  dtype: "float32" | "float64";
  params: Parameter[];
  /** Element offset of each parameter's gradient in the buffer. */
  offsets: number[];
  buffer: Float32Array | Float64Array;
  /** Per parameter: 1 when its gradient of this pass is in the buffer. */
  got: Uint8Array;
  /** Number of parameters whose gradient is in the buffer in this pass. */
  ready: number;
  launched: boolean;
}

const wrapped = new WeakSet<Parameter>();

/**
 * Wraps `module` for data-parallel training: the constructor copies rank 0's parameters and
 * buffers to every rank (so all replicas start equal); after each `backward` the gradients of
 * all ranks are averaged, bucket by bucket, before the optimiser sees them. Train it exactly as
 * the module alone — `fit` works unchanged — with each rank reading its own shard of the data
 * (`DistributedSampler`). With per-rank batches of `b` on `N` ranks, a step equals one step of a
 * single process on the `N·b` samples together (the loss being a mean over the batch).
 *
 * Gradients reach the buckets through post-accumulate gradient hooks on the parameters: a
 * parameter's gradient is copied into its bucket as soon as backward has finished it, buckets
 * (filled in reverse parameter order, the order backward completes them) are reduced in the same
 * order on every rank, and a callback at the end of the backward pass waits for the reductions
 * and writes the averages back into each `grad`. State dict keys carry the `module.` prefix (as
 * in PyTorch): save `ddp.module` for a checkpoint that loads into the bare model.
 *
 * @example
 * ```ts
 * import { DistributedDataParallel, initDistributed } from "@nnc/distributed";
 * import { Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const world = await initDistributed({ backend: "single" });
 * const linear = new Linear(2, 1);
 * const model = new DistributedDataParallel(linear, { communicator: world });
 * model.forward(tensor([[1, 2]])).sum().backward(); // gradients averaged over the job's ranks
 * console.log(linear.weight.grad?.toArray()); // [[1, 2]]
 * ```
 */
export class DistributedDataParallel<I extends unknown[] = [Tensor], O = Tensor>
  extends Module<I, O> {
  /** The wrapped model. */
  readonly module: Module<I, O>;
  /** The job. */
  readonly communicator: Communicator;
  /** Bucket capacity in bytes. */
  readonly bucketCapBytes: number;
  /** Whether buffers are broadcast from rank 0 before each training forward pass. */
  readonly broadcastBuffers: boolean;
  /** Whether buckets are reduced while backward goes on. */
  readonly overlap: boolean;
  /** Whether parameters without a gradient on every rank are detected. */
  readonly findUnusedParameters: boolean;
  readonly #buckets: Bucket[] = [];
  readonly #handles: RemovableHandle[] = [];
  readonly #params: Parameter[] = [];
  #launched = 0;
  #passOpen = false;
  #noSync = 0;

  /** Wraps `module`; broadcasts rank 0's parameters and buffers. */
  constructor(module: Module<I, O>, options: DistributedDataParallelOptions = {}) {
    super();
    const op = "DistributedDataParallel";
    if (!(module instanceof Module)) {
      throw new TypeError(`${op}: module must be a Module, got ${describe(module)}`);
    }
    const o = checkOptions(options, op);
    const comm = o.communicator ?? requireWorld(op);
    if (
      comm === null || typeof comm !== "object" || typeof comm.allReduce !== "function" ||
      typeof comm.size !== "number"
    ) {
      throw new TypeError(`${op}: communicator must be a Communicator, got ${describe(comm)}`);
    }
    this.module = module;
    this.communicator = comm;
    this.bucketCapBytes = Math.round(
      checkNumber(o.bucketCapMb ?? 25, op, "bucketCapMb", 1e-6, 1e6) * 1024 * 1024,
    );
    this.broadcastBuffers = checkBool(o.broadcastBuffers ?? true, op, "broadcastBuffers");
    this.overlap = checkBool(o.overlap ?? false, op, "overlap");
    this.findUnusedParameters = checkBool(
      o.findUnusedParameters ?? false,
      op,
      "findUnusedParameters",
    );
    const params = module.parameters().filter((p) => p.requiresGrad);
    for (const p of params) {
      if (wrapped.has(p)) {
        throw new RangeError(
          `${op}: a parameter of shape [${
            p.shape.join(", ")
          }] is already wrapped by another DistributedDataParallel (call unwrap() on it first)`,
        );
      }
    }
    this.#params.push(...params);
    this.#syncModuleState();
    if (comm.size > 1) {
      this.#buildBuckets(params);
      for (const p of params) wrapped.add(p);
    }
  }

  /** Bucket sizes in elements, in reduction order (empty for a job of one process). */
  get bucketSizes(): number[] {
    return this.#buckets.map((b) => b.buffer.length);
  }

  /** Runs the wrapped module (after broadcasting rank 0's buffers, in training mode). */
  forward(...inputs: I): O {
    if (this.training && this.broadcastBuffers && this.communicator.size > 1) {
      for (const [, b] of this.module.namedBuffers()) this.#broadcastArray(b);
    }
    return this.module.forward(...inputs);
  }

  /**
   * Runs `fn` (forward and backward passes of micro-batches) without averaging gradients: they
   * accumulate locally, and the first backward outside `noSync` averages the accumulated sum
   * (PyTorch's `no_sync`). `fn` must be synchronous.
   */
  noSync<T>(fn: () => T): T {
    checkFunction(fn, "DistributedDataParallel.noSync", "fn");
    this.#noSync++;
    try {
      return fn();
    } finally {
      this.#noSync--;
    }
  }

  /** Removes the gradient hooks and returns the bare module (this wrapper stops working). */
  unwrap(): Module<I, O> {
    for (const h of this.#handles) h.remove();
    this.#handles.length = 0;
    for (const p of this.#params) wrapped.delete(p);
    this.#buckets.length = 0;
    return this.module;
  }

  /** The settings shown by `toString()`: ranks, buckets and overlap. */
  override extraRepr(): string {
    return `ranks=${this.communicator.size}, buckets=${this.#buckets.length}, overlap=${this.overlap}`;
  }

  /** Rank 0's parameters and buffers everywhere. */
  #syncModuleState(): void {
    if (this.communicator.size === 1) return;
    for (const p of this.#params) this.#broadcastArray(p);
    for (const [, b] of this.module.namedBuffers()) this.#broadcastArray(b);
  }

  /** Broadcasts a tensor's values in place (contiguous data first, if needed). */
  #broadcastArray(t: Tensor): void {
    if (!t.data.isContiguous) t.data = t.data.contiguous();
    this.communicator.broadcast(t.data, 0);
  }

  /** Buckets in reverse parameter order (the order backward completes them), by dtype and size. */
  #buildBuckets(params: Parameter[]): void {
    const open = new Map<string, { bucket: Bucket; elements: number }>();
    const all: { bucket: Bucket; elements: number }[] = [];
    for (const p of [...params].reverse()) {
      const dtype = p.dtype as "float32" | "float64";
      const itemBytes = dtype === "float64" ? 8 : 4;
      let slot = open.get(dtype);
      if (slot !== undefined && (slot.elements + p.size) * itemBytes > this.bucketCapBytes) {
        slot = undefined;
      }
      if (slot === undefined) {
        slot = {
          bucket: {
            dtype,
            params: [],
            offsets: [],
            buffer: new Float32Array(0),
            got: new Uint8Array(0),
            ready: 0,
            launched: false,
          },
          elements: 0,
        };
        open.set(dtype, slot);
        all.push(slot);
      }
      slot.bucket.offsets.push(slot.elements);
      slot.bucket.params.push(p);
      slot.elements += p.size;
    }
    for (const { bucket: b, elements: n } of all) {
      // A fresh ArrayBuffer: its memory never moves, so the communication thread may hold it.
      b.buffer = b.dtype === "float64"
        ? new Float64Array(new ArrayBuffer(Math.max(8, n * 8)), 0, n)
        : new Float32Array(new ArrayBuffer(Math.max(8, n * 4)), 0, n);
      b.got = new Uint8Array(b.params.length);
      const index = this.#buckets.length;
      this.#buckets.push(b);
      b.params.forEach((p, k) => {
        this.#handles.push(p.registerPostAccumulateGradHook(() => this.#gradReady(index, k)));
      });
    }
  }

  /** A parameter's gradient is complete: copy it into its bucket; launch full buckets in order. */
  #gradReady(bucketIndex: number, k: number): void {
    if (this.#noSync > 0) return;
    const b = this.#buckets[bucketIndex];
    copyInto(b.buffer, b.offsets[k], b.params[k].grad!.data);
    if (b.got[k] === 0) {
      b.got[k] = 1;
      b.ready++;
    }
    if (!this.#passOpen) {
      this.#passOpen = true;
      queueBackwardCallback(() => this.#finish());
    }
    if (this.overlap) {
      // Same order on every rank: bucket i starts only after buckets 0 … i − 1.
      while (
        this.#launched < this.#buckets.length &&
        this.#buckets[this.#launched].ready === this.#buckets[this.#launched].params.length
      ) {
        this.#launch(this.#buckets[this.#launched++]);
      }
    }
  }

  #launch(b: Bucket): void {
    b.launched = true;
    if (this.overlap) this.communicator.startAllReduce(b.buffer);
    else this.communicator.allReduce(b.buffer);
  }

  /** End of the backward pass: reduce what is left, wait, write the averages back. */
  #finish(): void {
    try {
      for (const b of this.#buckets) {
        if (b.launched) continue;
        // Parameters backward did not reach on this rank contribute zeros.
        b.params.forEach((p, k) => {
          if (b.got[k] === 0) b.buffer.fill(0, b.offsets[k], b.offsets[k] + p.size);
        });
        this.#launch(b);
      }
      let usedAnywhere: Float32Array | null = null;
      if (this.findUnusedParameters) {
        usedAnywhere = new Float32Array(this.#params.length);
        let i = 0;
        for (const b of this.#buckets) for (const g of b.got) usedAnywhere[i++] = g;
        this.communicator.allReduce(usedAnywhere);
      }
      this.communicator.waitAll();
      const n = this.communicator.size;
      let i = 0;
      for (const b of this.#buckets) {
        b.params.forEach((p, k) => {
          if (usedAnywhere === null || usedAnywhere[i] > 0) {
            writeAverage(p, b.buffer, b.offsets[k], n);
          }
          i++;
        });
      }
    } finally {
      for (const b of this.#buckets) {
        b.got.fill(0);
        b.ready = 0;
        b.launched = false;
      }
      this.#launched = 0;
      this.#passOpen = false;
    }
  }
}

/** Copies `src` (any layout) into `dst` from element `offset`. */
function copyInto(dst: Float32Array | Float64Array, offset: number, src: NDArray): void {
  const a = src.isContiguous ? src : src.contiguous();
  const data = a.storage.data as Float32Array | Float64Array;
  dst.set(data.subarray(a.offset, a.offset + a.size), offset);
}

/** Sets `p.grad` to the bucket's sum divided by the number of ranks (in place when it can). */
function writeAverage(
  p: Parameter,
  buffer: Float32Array | Float64Array,
  offset: number,
  ranks: number,
): void {
  const g = p.grad?.data;
  if (
    g !== undefined && g.isContiguous && g.offset === 0 && g.size === g.storage.length &&
    g.dtype === p.dtype
  ) {
    const out = g.storage.data as Float32Array | Float64Array;
    for (let i = 0; i < g.size; i++) out[i] = buffer[offset + i] / ranks;
    return;
  }
  const out = p.dtype === "float64" ? new Float64Array(p.size) : new Float32Array(p.size);
  for (let i = 0; i < p.size; i++) out[i] = buffer[offset + i] / ranks;
  p.grad = new Tensor(new NDArray(new Storage(out), [...p.shape]));
}
