/**
 * Crash-safe file writes: {@link writeFileAtomic} (and {@link writeFileAtomicSync}), the one way
 * every nnc package writes a file (checkpoints, optimiser state, logs, plots).
 *
 * The bytes go to a temporary file in the target's folder, named
 * `.<target name>.<pid>.<random>.nnc-tmp` so that it can be recognised ({@link isAtomicTempName});
 * the file is flushed (`fsync`), renamed over the target, and the folder is flushed too where the
 * platform allows it, so after a crash — at any instant — the target is either the old file or
 * the new one, never a mix. A failed write removes its temporary file. A process killed
 * mid-write cannot clean up after itself: the next write to the same target removes the
 * temporary files of processes that no longer exist (on Linux, by their pid in `/proc`; elsewhere
 * those older than {@link STALE_TEMP_AGE_MS}), so a job that is pre-empted every hour does not
 * fill its disk.
 *
 * @module
 */
import { describe } from "./check.ts";

/** The suffix of every temporary file {@link writeFileAtomic} creates. */
export const ATOMIC_TEMP_SUFFIX = ".nnc-tmp";

/**
 * Where `/proc` cannot tell whether the writer of a temporary file is still alive, a temporary
 * file older than this (15 minutes) is taken as left behind by a killed process.
 */
export const STALE_TEMP_AGE_MS = 15 * 60 * 1000;

/**
 * Options of {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * import type { WriteFileAtomicOptions } from "@nnc/tensor";
 * const o: WriteFileAtomicOptions = { op: "saveReport" };
 * ```
 */
export interface WriteFileAtomicOptions {
  /** The operation named in error messages (default `"writeFileAtomic"`). */
  op?: string;
}

/** Temporary files this process is writing now; never taken for stale. */
const inFlight = new Set<string>();
const encoder = new TextEncoder();
const TEMP_NAME = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.nnc-tmp$/;

/**
 * Whether `fileName` (a name inside a folder, not a path) is a temporary file of
 * {@link writeFileAtomic}; with `target` (the target's file name), whether it is one for that
 * target.
 *
 * @example
 * ```ts
 * import { isAtomicTempName } from "@nnc/tensor";
 * console.assert(isAtomicTempName(".model.safetensors.4242.0123456789ab.nnc-tmp", "model.safetensors"));
 * console.assert(!isAtomicTempName("model.safetensors"));
 * ```
 */
export function isAtomicTempName(fileName: string, target?: string): boolean {
  if (typeof fileName !== "string" || (target !== undefined && typeof target !== "string")) {
    throw new TypeError(
      `isAtomicTempName: expected file names (strings), got ${describe(fileName)}${
        target === undefined ? "" : ` and ${describe(target)}`
      }`,
    );
  }
  const m = TEMP_NAME.exec(fileName);
  return m !== null && (target === undefined || m[1] === target);
}

/**
 * Writes `data` (bytes, or a string written as UTF-8) to `path` atomically: a temporary file in
 * the same folder, `fsync`, rename over `path`, `fsync` of the folder. On failure the temporary
 * file is removed and `path` is unchanged; stale temporary files of killed writers of `path`
 * are removed first. The folder must exist. Needs `--allow-write` (and `--allow-read` on the
 * folder for the clean-up, which is skipped without it).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "@nnc/tensor";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/log.csv`, "epoch,loss\n1,0.5\n");
 * console.assert((await Deno.readTextFile(`${dir}/log.csv`)).endsWith("0.5\n"));
 * console.assert([...Deno.readDirSync(dir)].length === 1); // no temporary file left
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string | URL,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const { op, target, dir, base, bytes } = prepare(path, data, options, "writeFileAtomic");
  await removeStaleTemps(dir, base);
  const tmp = tempPath(dir, base);
  inFlight.add(tmp);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      await file.sync();
    } finally {
      file.close();
    }
    await copyMode(target, tmp);
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw annotate(e, op, target);
  } finally {
    inFlight.delete(tmp);
  }
  await syncFolder(dir);
}

/**
 * Synchronous {@link writeFileAtomic}: the same temporary file, flushes, rename and clean-up.
 *
 * @example
 * ```ts
 * import { writeFileAtomicSync } from "@nnc/tensor";
 * const dir = Deno.makeTempDirSync();
 * writeFileAtomicSync(`${dir}/a.bin`, new Uint8Array([1, 2, 3]));
 * console.assert(Deno.readFileSync(`${dir}/a.bin`).length === 3);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeFileAtomicSync(
  path: string | URL,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): void {
  const { op, target, dir, base, bytes } = prepare(path, data, options, "writeFileAtomicSync");
  removeStaleTempsSync(dir, base);
  const tmp = tempPath(dir, base);
  inFlight.add(tmp);
  try {
    const file = Deno.openSync(tmp, { write: true, createNew: true });
    try {
      for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
      file.syncSync();
    } finally {
      file.close();
    }
    copyModeSync(target, tmp);
    Deno.renameSync(tmp, target);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // It may never have been created.
    }
    throw annotate(e, op, target);
  } finally {
    inFlight.delete(tmp);
  }
  syncFolderSync(dir);
}

// ----- shared steps -----

interface Prepared {
  op: string;
  target: string;
  dir: string;
  base: string;
  bytes: Uint8Array;
}

function prepare(
  path: unknown,
  data: unknown,
  options: WriteFileAtomicOptions,
  defaultOp: string,
): Prepared {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${defaultOp}: options must be an object, got ${describe(options)}`);
  }
  const op = options.op ?? defaultOp;
  if (typeof op !== "string" || op === "") {
    throw new TypeError(`${defaultOp}: op must be a non-empty string, got ${describe(op)}`);
  }
  let target: string;
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(`${op}: expected a file path or file: URL, got ${path.href}`);
    }
    target = decodeURIComponent(path.pathname);
  } else if (typeof path === "string" && path !== "") {
    target = path;
  } else {
    throw new TypeError(`${op}: expected a file path (string or file: URL), got ${describe(path)}`);
  }
  if (target.endsWith("/") || target.includes("\0")) {
    throw new TypeError(`${op}: expected a file path, got ${describe(target)}`);
  }
  let bytes: Uint8Array;
  if (typeof data === "string") bytes = encoder.encode(data);
  else if (data instanceof Uint8Array) bytes = data;
  else {
    throw new TypeError(
      `${op}: data must be a Uint8Array or a string, got ${describe(data)}`,
    );
  }
  const slash = Math.max(target.lastIndexOf("/"), target.lastIndexOf("\\"));
  const dir = slash < 0 ? "." : slash === 0 ? target.slice(0, 1) : target.slice(0, slash);
  return { op, target, dir, base: target.slice(slash + 1), bytes };
}

function tempPath(dir: string, base: string): string {
  const r = crypto.getRandomValues(new Uint8Array(6));
  const hex = Array.from(r, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${dir}/.${base}.${Deno.pid}.${hex}${ATOMIC_TEMP_SUFFIX}`;
}

/** The error with the operation and the target in front, same class, original as `cause`. */
function annotate(e: unknown, op: string, target: string): unknown {
  if (!(e instanceof Error) || e.message.startsWith(`${op}:`)) return e;
  try {
    const copy = new (e.constructor as ErrorConstructor)(`${op}: ${target}: ${e.message}`, {
      cause: e,
    });
    return copy instanceof Error ? copy : e;
  } catch {
    return e;
  }
}

/** Whether a temporary file was left behind by a writer that is gone. */
function isStale(dir: string, name: string, mtime: () => Date | null): boolean {
  const m = TEMP_NAME.exec(name);
  if (m === null) return false;
  const pid = Number(m[2]);
  if (inFlight.has(`${dir}/${name}`)) return false;
  if (pid === Deno.pid) return true; // ours, but not being written: a failed clean-up
  const alive = processAlive(pid);
  if (alive !== undefined) return !alive;
  const t = mtime();
  return t !== null && Date.now() - t.getTime() > STALE_TEMP_AGE_MS;
}

let procAvailable: boolean | undefined;

/** Whether `pid` runs, from `/proc`; undefined where `/proc` cannot say. */
function processAlive(pid: number): boolean | undefined {
  try {
    if (procAvailable === undefined) procAvailable = Deno.statSync("/proc/self").isDirectory;
    if (!procAvailable) return undefined;
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      if (procAvailable === undefined) procAvailable = false;
      return procAvailable ? false : undefined;
    }
    return undefined; // no permission to look: keep the file
  }
}

/**
 * Removes the temporary files {@link writeFileAtomic} left in `dir` when their writer was killed
 * (see the module's rules: a dead pid on Linux, an age elsewhere), for targets whose file name
 * passes `isTarget` (default: every target); returns how many were removed. `writeFileAtomic`
 * does this for its own target; use this where the next save goes to another name (a checkpoint
 * per epoch). Best effort: without read permission on `dir` it removes nothing.
 *
 * @example
 * ```ts
 * import { removeStaleTempFiles } from "@nnc/tensor";
 * const dir = await Deno.makeTempDir();
 * // A temporary file of a writer (pid 4194305 cannot exist) killed while saving e3.safetensors.
 * await Deno.writeTextFile(`${dir}/.e3.safetensors.4194305.0123456789ab.nnc-tmp`, "half a file");
 * const removed = await removeStaleTempFiles(dir, (name) => /^e\d+\.safetensors$/.test(name));
 * console.assert(removed === (Deno.build.os === "linux" ? 1 : 0));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeStaleTempFiles(
  dir: string,
  isTarget: (fileName: string) => boolean = () => true,
): Promise<number> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(
      `removeStaleTempFiles: dir must be a non-empty string, got ${describe(dir)}`,
    );
  }
  if (typeof isTarget !== "function") {
    throw new TypeError(
      `removeStaleTempFiles: isTarget must be a function, got ${describe(isTarget)}`,
    );
  }
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const m = TEMP_NAME.exec(entry.name);
      if (!entry.isFile || m === null || !isTarget(m[1])) continue;
      const path = `${dir}/${entry.name}`;
      if (isStale(dir, entry.name, () => statTime(path))) {
        await Deno.remove(path).then(() => removed++, () => {});
      }
    }
  } catch {
    // Clean-up is best effort: no read permission, or the folder is missing (the write reports it).
  }
  return removed;
}

async function removeStaleTemps(dir: string, base: string): Promise<void> {
  await removeStaleTempFiles(dir, (name) => name === base);
}

function removeStaleTempsSync(dir: string, base: string): void {
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.isFile || !isAtomicTempName(entry.name, base)) continue;
      const path = `${dir}/${entry.name}`;
      if (isStale(dir, entry.name, () => statTime(path))) {
        try {
          Deno.removeSync(path);
        } catch {
          // Another writer may have removed it first.
        }
      }
    }
  } catch {
    // Best effort, as above.
  }
}

function statTime(path: string): Date | null {
  try {
    return Deno.statSync(path).mtime;
  } catch {
    return null;
  }
}

/** Gives the new file the mode of the file it replaces (a private file stays private). */
async function copyMode(target: string, tmp: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    const mode = (await Deno.stat(target)).mode;
    if (mode !== null) await Deno.chmod(tmp, mode & 0o7777);
  } catch {
    // No previous file (or no permission to read it): the default mode stays.
  }
}

function copyModeSync(target: string, tmp: string): void {
  if (Deno.build.os === "windows") return;
  try {
    const mode = Deno.statSync(target).mode;
    if (mode !== null) Deno.chmodSync(tmp, mode & 0o7777);
  } catch {
    // As above.
  }
}

/** Flushes the folder entry of the rename; platforms that cannot open folders skip it. */
async function syncFolder(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself has happened.
  }
}

function syncFolderSync(dir: string): void {
  if (Deno.build.os === "windows") return;
  try {
    const d = Deno.openSync(dir, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch {
    // As above.
  }
}
