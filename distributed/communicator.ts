/**
 * {@link Communicator}: the collectives data parallelism needs (in-place all-reduce, broadcast,
 * barrier) between the processes of one job, each identified by its rank. Two implementations:
 * {@link MpiCommunicator} over MPI, and {@link SingleProcessCommunicator}, a job of one process
 * (every collective leaves the data as it is), so that the same script runs with or without
 * `mpirun`. Get one from `initDistributed()`.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, describe, NDArray } from "@nnc/tensor";
import type { MpiSymbols } from "./_shim.ts";

/**
 * How {@link Communicator.allReduce} combines the ranks' values.
 *
 * @example
 * ```ts
 * import type { ReduceOp } from "@nnc/distributed";
 * const op: ReduceOp = "max";
 * ```
 */
export type ReduceOp = "sum" | "max" | "min";

/**
 * What the collectives work on, in place: a contiguous `NDArray` (float32, float64 or int32) or a
 * typed array of those element types. JavaScript owns the memory; MPI reads and writes it directly.
 *
 * @example
 * ```ts
 * import type { CommBuffer } from "@nnc/distributed";
 * import { zeros } from "@nnc/tensor";
 * const buffers: CommBuffer[] = [zeros([2, 3]), new Float64Array(4)];
 * ```
 */
export type CommBuffer = NDArray | Float32Array | Float64Array | Int32Array;

/**
 * Time and volume of the collectives of one process since the start (or the last reset).
 *
 * @example
 * ```ts
 * import { SingleProcessCommunicator } from "@nnc/distributed";
 * const s = new SingleProcessCommunicator().stats();
 * console.log(s.allReduceSeconds, s.allReduceCalls); // 0 0
 * ```
 */
export interface CommunicatorStats {
  /** Seconds spent inside all-reduce (blocking calls and queued ones alike). */
  allReduceSeconds: number;
  /** Number of all-reduce calls. */
  allReduceCalls: number;
  /** Bytes all-reduced (per process). */
  allReduceBytes: number;
  /** Seconds spent inside broadcast. */
  broadcastSeconds: number;
  /** Seconds the caller waited for queued all-reduces ({@link Communicator.waitAll}). */
  waitSeconds: number;
}

/**
 * The processes of one job and the collectives between them. Every rank must make the same
 * collective calls in the same order with the same sizes (as in MPI); buffers are updated in
 * place.
 *
 * @example
 * ```ts
 * import { initDistributed } from "@nnc/distributed";
 * import { array } from "@nnc/tensor";
 * const world = await initDistributed({ backend: "single" });
 * const x = array([1, 2, 3]);
 * world.allReduce(x); // the sum over ranks, in place (one rank here: unchanged)
 * console.log(world.rank, world.size, x.toArray()); // 0 1 [1, 2, 3]
 * ```
 */
export interface Communicator {
  /** This process's rank, 0 … size − 1. */
  readonly rank: number;
  /** Number of processes in the job. */
  readonly size: number;
  /** What carries the collectives. */
  readonly backend: "mpi" | "single";
  /** Replaces `buffer` on every rank by the element-wise reduction over ranks (default sum). */
  allReduce(buffer: CommBuffer, op?: ReduceOp): void;
  /**
   * Starts an in-place all-reduce and returns at once (MPI: on the communication thread); the
   * buffer must not be read or written until {@link Communicator.waitAll} returns.
   */
  startAllReduce(buffer: CommBuffer, op?: ReduceOp): void;
  /** Waits for every started all-reduce; throws the first error among them. */
  waitAll(): void;
  /** Copies `buffer` of rank `root` (default 0) into `buffer` of every other rank. */
  broadcast(buffer: CommBuffer, root?: number): void;
  /** Returns once every rank has called it. */
  barrier(): void;
  /** Time and volume of the collectives so far (`reset`: start counting again). */
  stats(reset?: boolean): CommunicatorStats;
  /** Ends this process's part in the job (MPI_Finalize); later collectives throw. */
  finalize(): void;
  /** Ends every process of the job with exit status `code` (MPI_Abort). */
  abort(code?: number): never;
}

/**
 * A failed MPI call, with the MPI error class (`code` > 0) or the shim's own code (< 0).
 *
 * @example
 * ```ts
 * import { MpiError } from "@nnc/distributed";
 * const e = new MpiError("allReduce: MPI_Allreduce failed: MPI_ERR_TRUNCATE", 15);
 * console.log(e.name, e.code); // MpiError 15
 * ```
 */
export class MpiError extends Error {
  /** `"MpiError"`. */
  override name = "MpiError";
  /** MPI error class (> 0) or the shim's error code (< 0). */
  readonly code: number;
  /** An error with a message naming the operation and MPI's explanation. */
  constructor(message: string, code: number) {
    if (typeof message !== "string") {
      throw new TypeError(`MpiError: message must be a string, got ${describe(message)}`);
    }
    super(message);
    this.code = code;
  }
}

const DTYPE_CODES = { float32: 0, float64: 1, int32: 2 } as const;
const OP_CODES = { sum: 0, max: 1, min: 2 } as const;
const REDUCE_OPS: readonly ReduceOp[] = ["sum", "max", "min"];

type View = Float32Array | Float64Array | Int32Array;

/** The typed array a collective works on (a view of `buffer`, never a copy) and its dtype code. */
function resolve(buffer: unknown, op: string): { view: View; dtype: number } {
  if (buffer instanceof NDArray) {
    if (!buffer.isContiguous) {
      throw new RangeError(
        `${op}: the array must be contiguous (collectives work in place), got strides [${
          buffer.strides.join(", ")
        }] for shape [${buffer.shape.join(", ")}]; call contiguous() first and use its result`,
      );
    }
    const data = buffer.storage.data as View;
    return {
      view: data.subarray(buffer.offset, buffer.offset + buffer.size) as View,
      dtype: DTYPE_CODES[buffer.dtype],
    };
  }
  if (buffer instanceof Float32Array) return { view: buffer, dtype: 0 };
  if (buffer instanceof Float64Array) return { view: buffer, dtype: 1 };
  if (buffer instanceof Int32Array) return { view: buffer, dtype: 2 };
  throw new TypeError(
    `${op}: expected an NDArray, Float32Array, Float64Array or Int32Array, got ${describe(buffer)}`,
  );
}

function checkOp(value: unknown, op: string): number {
  return OP_CODES[checkOneOf(value, op, "op", REDUCE_OPS)];
}

/** A rank of a job of `size`: the root of a broadcast. */
function checkRoot(value: unknown, size: number, op: string): number {
  return checkInt(value, op, "root", 0, size - 1);
}

function zeroStats(): CommunicatorStats {
  return {
    allReduceSeconds: 0,
    allReduceCalls: 0,
    allReduceBytes: 0,
    broadcastSeconds: 0,
    waitSeconds: 0,
  };
}

/**
 * A job of one process: all-reduce and broadcast leave the data unchanged (the reduction over one
 * rank), barrier returns at once. What `initDistributed()` returns when the script was not
 * started by `mpirun`.
 *
 * @example
 * ```ts
 * import { SingleProcessCommunicator } from "@nnc/distributed";
 * const world = new SingleProcessCommunicator();
 * const g = new Float32Array([1, 2]);
 * world.allReduce(g);
 * console.log(world.size, g); // 1 Float32Array(2) [ 1, 2 ]
 * ```
 */
export class SingleProcessCommunicator implements Communicator {
  /** Always 0. */
  readonly rank = 0;
  /** Always 1. */
  readonly size = 1;
  /** `"single"`. */
  readonly backend = "single" as const;
  #finalized = false;
  #stats = zeroStats();

  #check(op: string): void {
    if (this.#finalized) throw new RangeError(`${op}: the communicator was finalized`);
  }
  /** Checks the arguments; one rank's sum is its own data. */
  allReduce(buffer: CommBuffer, op: ReduceOp = "sum"): void {
    this.#check("allReduce");
    const { view } = resolve(buffer, "allReduce");
    checkOp(op, "allReduce");
    this.#stats.allReduceCalls++;
    this.#stats.allReduceBytes += view.byteLength;
  }
  /** As {@link SingleProcessCommunicator.allReduce} (done at once). */
  startAllReduce(buffer: CommBuffer, op: ReduceOp = "sum"): void {
    this.allReduce(buffer, op);
  }
  /** Nothing is pending. */
  waitAll(): void {
    this.#check("waitAll");
  }
  /** Checks the arguments; rank 0 is the only rank. */
  broadcast(buffer: CommBuffer, root = 0): void {
    this.#check("broadcast");
    resolve(buffer, "broadcast");
    checkRoot(root, 1, "broadcast");
  }
  /** Returns at once. */
  barrier(): void {
    this.#check("barrier");
  }
  /** Counts of the calls (no time is spent). */
  stats(reset = false): CommunicatorStats {
    const s = { ...this.#stats };
    if (reset) this.#stats = zeroStats();
    return s;
  }
  /** Later collectives throw. */
  finalize(): void {
    this.#finalized = true;
  }
  /** Exits the process with `code`. */
  abort(code = 1): never {
    Deno.exit(code);
  }
}

/**
 * The processes of an MPI job (`MPI_COMM_WORLD`), through libnnc_mpi. Collectives are in place on
 * JavaScript's buffers (no copies), blocking, and watched: one that has not finished within the
 * timeout (a rank died or hangs) ends this process with status 124, and `mpirun` then ends the job.
 * Errors of MPI calls throw {@link MpiError}. Created by `initDistributed()`.
 *
 * @example
 * ```ts ignore
 * // mpirun -np 2 deno run -A script.ts
 * import { initDistributed } from "@nnc/distributed";
 * const world = await initDistributed();
 * const x = new Float64Array([world.rank + 1]);
 * world.allReduce(x);
 * console.log(`rank ${world.rank} of ${world.size}: ${x[0]}`); // 3 on both ranks
 * ```
 */
export class MpiCommunicator implements Communicator {
  /** This process's rank in `MPI_COMM_WORLD`. */
  readonly rank: number;
  /** Number of processes in `MPI_COMM_WORLD`. */
  readonly size: number;
  /** `"mpi"`. */
  readonly backend = "mpi" as const;
  /** The MPI library (`MPI_Get_library_version`), e.g. `Open MPI v4.1.4`. */
  readonly library: string;
  /** MPI's thread support: started all-reduces overlap computation only at `"serialized"` or more. */
  readonly threadLevel: "single" | "funneled" | "serialized" | "multiple";
  readonly #lib: MpiSymbols;
  #finalized = false;
  #timeout: number;

  /** Wraps an initialised shim (use `initDistributed()`). */
  constructor(
    lib: MpiSymbols,
    init: { rank: number; size: number; threadLevel: number; library: string; timeout: number },
  ) {
    this.#lib = lib;
    this.rank = init.rank;
    this.size = init.size;
    this.library = init.library;
    this.threadLevel = (["single", "funneled", "serialized", "multiple"] as const)[
      init.threadLevel
    ] ?? "single";
    this.#timeout = init.timeout;
  }

  /** Seconds a collective may take before this process gives up on the job (0: no limit). */
  get timeout(): number {
    return this.#timeout;
  }
  set timeout(seconds: number) {
    this.#lib.nnc_mpi_set_timeout(checkNumber(seconds, "MpiCommunicator", "timeout", 0));
    this.#timeout = seconds;
  }

  #ready(op: string): void {
    if (this.#finalized) throw new RangeError(`${op}: MPI was finalized`);
  }

  #fail(rc: number, op: string): void {
    if (rc === 0) return;
    const buf = new Uint8Array(512);
    const n = this.#lib.nnc_mpi_last_error(buf, buf.length);
    const text = new TextDecoder().decode(buf.subarray(0, Math.max(0, n)));
    throw new MpiError(`${op}: rank ${this.rank} of ${this.size}: ${text || `error ${rc}`}`, rc);
  }

  /** In-place all-reduce over every rank (blocking). */
  allReduce(buffer: CommBuffer, op: ReduceOp = "sum"): void {
    this.#ready("allReduce");
    const { view, dtype } = resolve(buffer, "allReduce");
    const code = checkOp(op, "allReduce");
    this.#fail(
      this.#lib.nnc_mpi_allreduce(view, BigInt(view.length), dtype, code),
      "allReduce",
    );
  }

  /**
   * Queues an in-place all-reduce on the communication thread and returns at once (blocking when
   * MPI's thread level is below `"serialized"`). Keep `buffer` alive and untouched until
   * {@link MpiCommunicator.waitAll}; the other collectives wait for the queue first.
   */
  startAllReduce(buffer: CommBuffer, op: ReduceOp = "sum"): void {
    this.#ready("startAllReduce");
    const { view, dtype } = resolve(buffer, "startAllReduce");
    const code = checkOp(op, "startAllReduce");
    this.#fail(
      this.#lib.nnc_mpi_enqueue_allreduce(view, BigInt(view.length), dtype, code),
      "startAllReduce",
    );
  }

  /** Waits for the queued all-reduces. */
  waitAll(): void {
    this.#ready("waitAll");
    this.#fail(this.#lib.nnc_mpi_wait_all(), "waitAll");
  }

  /** In-place broadcast from `root`. */
  broadcast(buffer: CommBuffer, root = 0): void {
    this.#ready("broadcast");
    const { view, dtype } = resolve(buffer, "broadcast");
    const r = checkRoot(root, this.size, "broadcast");
    this.#fail(this.#lib.nnc_mpi_bcast(view, BigInt(view.length), dtype, r), "broadcast");
  }

  /** MPI_Barrier. */
  barrier(): void {
    this.#ready("barrier");
    this.#fail(this.#lib.nnc_mpi_barrier(), "barrier");
  }

  /** Time and volume of the collectives, counted in C (both threads). */
  stats(reset = false): CommunicatorStats {
    const out = new Float64Array(5);
    this.#lib.nnc_mpi_stats(out, reset ? 1 : 0);
    return {
      allReduceSeconds: out[0],
      allReduceCalls: out[1],
      allReduceBytes: out[2],
      broadcastSeconds: out[3],
      waitSeconds: out[4],
    };
  }

  /** MPI_Finalize (also called when the program ends normally; again: nothing happens). */
  finalize(): void {
    if (this.#finalized) return;
    this.#finalized = true;
    this.#fail(this.#lib.nnc_mpi_finalize(), "finalize");
  }

  /** MPI_Abort: ends every rank of the job with exit status `code`. */
  abort(code = 1): never {
    this.#lib.nnc_mpi_abort(Number.isInteger(code) ? code : 1);
    Deno.exit(code);
  }
}
