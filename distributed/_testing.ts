// Test helpers: a communicator that plays a job of `size` ranks inside one process. Each
// all-reduce adds what the "other ranks" contribute (given per call by `peer`), each broadcast
// writes rank 0's values (given by `root`), and every call is recorded.
import type { CommBuffer, Communicator, CommunicatorStats, ReduceOp } from "./communicator.ts";
import { NDArray } from "@nnc/tensor";

/** A recorded collective. */
export interface Call {
  kind: "allReduce" | "startAllReduce" | "waitAll" | "broadcast" | "barrier";
  length: number;
}

function view(b: CommBuffer): Float32Array | Float64Array | Int32Array {
  if (b instanceof NDArray) {
    const d = b.storage.data as Float32Array | Float64Array | Int32Array;
    return d.subarray(b.offset, b.offset + b.size);
  }
  return b;
}

/** A pretend job of `size` ranks; this process is `rank`. */
export class FakeCommunicator implements Communicator {
  readonly backend = "mpi" as const;
  readonly calls: Call[] = [];
  pending: (Float32Array | Float64Array | Int32Array)[] = [];
  constructor(
    readonly size: number,
    readonly rank = 0,
    /** What the other ranks add to element i of the n-th all-reduce. */
    readonly peer: (call: number, i: number) => number = () => 0,
    /** Rank 0's value of element i of a broadcast buffer. */
    readonly root: ((i: number) => number) | null = null,
  ) {}
  #reductions = 0;
  #reduce(v: Float32Array | Float64Array | Int32Array): void {
    const call = this.#reductions++;
    for (let i = 0; i < v.length; i++) v[i] += this.peer(call, i);
  }
  allReduce(buffer: CommBuffer, _op?: ReduceOp): void {
    const v = view(buffer);
    this.calls.push({ kind: "allReduce", length: v.length });
    this.#reduce(v);
  }
  startAllReduce(buffer: CommBuffer, _op?: ReduceOp): void {
    const v = view(buffer);
    this.calls.push({ kind: "startAllReduce", length: v.length });
    this.pending.push(v);
  }
  waitAll(): void {
    this.calls.push({ kind: "waitAll", length: this.pending.length });
    for (const v of this.pending) this.#reduce(v);
    this.pending = [];
  }
  broadcast(buffer: CommBuffer, _root?: number): void {
    const v = view(buffer);
    this.calls.push({ kind: "broadcast", length: v.length });
    if (this.root !== null) { for (let i = 0; i < v.length; i++) v[i] = this.root(i); }
  }
  barrier(): void {
    this.calls.push({ kind: "barrier", length: 0 });
  }
  stats(): CommunicatorStats {
    return {
      allReduceSeconds: 0,
      allReduceCalls: 0,
      allReduceBytes: 0,
      broadcastSeconds: 0,
      waitSeconds: 0,
    };
  }
  finalize(): void {}
  abort(code = 1): never {
    throw new Error(`abort(${code})`);
  }
}
