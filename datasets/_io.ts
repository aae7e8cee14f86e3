// File access shared by the readers and writers: whole-file reads, atomic writes, byte and name checks.
import { checkPath, describe, writeFileAtomic } from "@nnc/tensor";

/** Reads a whole file, checking the path first. */
export async function readBytes(
  path: unknown,
  op: string,
): Promise<{ bytes: Uint8Array; name: string }> {
  const name = checkPath(path, op);
  return { bytes: await Deno.readFile(name), name };
}

/** Writes a file atomically (see `writeFileAtomic` of `@nnc/tensor`), checking the path first. */
export async function writeAtomic(path: unknown, bytes: Uint8Array, op: string): Promise<void> {
  const p = checkPath(path, op);
  await writeFileAtomic(p, bytes, { op });
}

/** Checks that a value is a Uint8Array of file bytes. */
export function checkBytes(bytes: unknown, op: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${op}: expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  return bytes;
}

/** Checks an optional `name` option (the file name used in messages). */
export function checkName(name: unknown, op: string): string {
  if (name === undefined) return "<bytes>";
  if (typeof name !== "string") {
    throw new TypeError(`${op}: name must be a string, got ${describe(name)}`);
  }
  return name;
}

/** Runs `fn`; its TypeErrors and RangeErrors get `op` in front (a writer names itself, not its encoder). */
export function renamed<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError) || e.message.startsWith(op)) throw e;
    const Kind = e instanceof TypeError ? TypeError : RangeError;
    throw new Kind(`${op}: ${e.message}`, { cause: e });
  }
}
