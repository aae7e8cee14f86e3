// The few assertions the conformance cases need, throwing testing.ts's AssertionError (a library
// module of @nnc/tensor does not import node:assert).
import { AssertionError } from "./testing.ts";

/** Fails with `message`. */
export function fail(message: string): never {
  throw new AssertionError(message);
}

/** Fails unless `got === want` (Object.is, so NaN equals NaN). */
export function equal(got: unknown, want: unknown, message?: string): void {
  if (!Object.is(got, want)) fail(`${message ? message + ": " : ""}got ${got}, want ${want}`);
}

/** Fails unless two number lists hold the same values in the same order. */
export function deepEqual(got: readonly number[], want: readonly number[]): void {
  const same = got.length === want.length && got.every((g, i) => Object.is(g, want[i]));
  if (!same) fail(`got [${got}], want [${want}]`);
}

/** Fails unless `fn` throws an Error whose message matches `pattern`. */
export function throws(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!pattern.test(message)) fail(`threw "${message}", expected a message matching ${pattern}`);
    return;
  }
  fail(`did not throw; expected an error matching ${pattern}`);
}
