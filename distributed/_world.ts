// The job's communicator, set once by initDistributed and read by the classes that default to it.
import type { Communicator } from "./communicator.ts";

let world: Communicator | undefined;

/** The communicator of initDistributed, if it was called. */
export function currentWorld(): Communicator | undefined {
  return world;
}

/** Records the communicator of initDistributed. */
export function setWorld(c: Communicator): void {
  world = c;
}

/** The communicator of initDistributed; an error naming `op` when there is none. */
export function requireWorld(op: string): Communicator {
  if (world === undefined) {
    throw new RangeError(
      `${op}: no distributed job yet: call \`await initDistributed()\` first, or pass a communicator`,
    );
  }
  return world;
}
