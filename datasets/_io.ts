// File access shared by the readers and writers: path checks, names for messages, atomic writes.
import { writeFileAtomic } from "@nnc/tensor";

/** A file path or `file:` URL. */
export type PathLike = string | URL;

/** Checks a path argument and returns the form Deno's file APIs take. */
export function checkPath(path: unknown, op: string): string | URL {
  if (typeof path === "string") {
    if (path.length === 0) throw new TypeError(`${op}: expected a file path, got an empty string`);
    return path;
  }
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(`${op}: expected a file path or file: URL, got ${path.href}`);
    }
    return path;
  }
  throw new TypeError(`${op}: expected a file path (string or file: URL), got ${describe(path)}`);
}

/** How a path is named in error messages. */
export function pathName(path: string | URL): string {
  return typeof path === "string" ? path : decodeURIComponent(path.pathname);
}

/** Reads a whole file, checking the path first. */
export async function readBytes(
  path: unknown,
  op: string,
): Promise<{ bytes: Uint8Array; name: string }> {
  const p = checkPath(path, op);
  return { bytes: await Deno.readFile(p), name: pathName(p) };
}

/** Writes a file atomically (see `writeFileAtomic` of `@nnc/tensor`), checking the path first. */
export async function writeAtomic(path: unknown, bytes: Uint8Array, op: string): Promise<void> {
  const p = checkPath(path, op);
  await writeFileAtomic(p, bytes, { op });
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") {
    return `an object (${(value as object).constructor?.name ?? "Object"})`;
  }
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  return `${typeof value} ${String(value)}`;
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
