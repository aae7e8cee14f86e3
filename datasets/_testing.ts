// Helpers for this package's tests: fixtures, temporary folders, and error-class checks.
import assert from "node:assert/strict";
import { DataFormatError } from "./errors.ts";

/** Reads `datasets/fixtures/<name>.json`. */
export function loadFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}.json`, import.meta.url)));
}

/** Decodes base64 into bytes. */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nnc-datasets-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The only errors a malformed file may cause. */
export function isAllowedError(e: unknown): boolean {
  return e instanceof DataFormatError || e instanceof TypeError || e instanceof RangeError;
}

/** Asserts that `fn` throws a DataFormatError at `offset` whose message matches `pattern`. */
export function assertFormatError(
  fn: () => unknown,
  file: string,
  offset: number,
  pattern?: RegExp,
): DataFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataFormatError, `expected a DataFormatError, got ${caught}`);
  assert.equal(caught.file, file);
  assert.equal(caught.offset, offset, caught.message);
  assert.ok(
    caught.message.includes(`${file}, `) && caught.message.includes(`byte ${offset}`),
    caught.message,
  );
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

/** Async version of {@link assertFormatError}. */
export async function assertFormatErrorAsync(
  fn: () => Promise<unknown>,
  file: string,
  offset: number,
  pattern?: RegExp,
): Promise<DataFormatError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  return assertFormatError(
    () => {
      if (caught !== undefined) throw caught;
    },
    file,
    offset,
    pattern,
  );
}
