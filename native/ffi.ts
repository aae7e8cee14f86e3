/**
 * Finding, building and opening libnnc with `Deno.dlopen`.
 *
 * The library is looked for in this order: the file named by `NNC_NATIVE_LIB`; `native/build/`
 * (what `deno task build:native` writes); a per-user cache (`$XDG_CACHE_HOME/nnc/<hash>/` or
 * `~/.cache/nnc/<hash>/`, the hash covering sources, flags and CPU) where the bundled C sources are
 * compiled on first use. Any failure leaves the JS backend in use and is reported in one line.
 *
 * @module
 */
import {
  CFLAGS,
  compileLibrary,
  LDLIBS,
  libraryFileName,
  NoCompilerError,
  SOURCES,
} from "./_compile.ts";

const KERNEL = {
  parameters: ["buffer", "i32", "buffer", "buffer"],
  result: "i32",
} as const;
const KERNEL3 = {
  parameters: ["buffer", "i32", "buffer", "buffer", "buffer"],
  result: "i32",
} as const;
const KERNEL4 = {
  parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
  result: "i32",
} as const;

/** Kernels taking a coefficient array, its byte length, a dtype code and five or seven buffers. */
const COEFF_KERNEL5 = {
  parameters: ["buffer", "i32", "i32", "buffer", "buffer", "buffer", "buffer", "buffer"],
  result: "i32",
} as const;
const COEFF_KERNEL7 = {
  parameters: [
    "buffer",
    "i32",
    "i32",
    "buffer",
    "buffer",
    "buffer",
    "buffer",
    "buffer",
    "buffer",
    "buffer",
  ],
  result: "i32",
} as const;

/** The C entry points of libnnc (see native/src/nnc.h). */
export const SYMBOLS = {
  nnc_init: { parameters: [], result: "i32" },
  nnc_info: { parameters: ["buffer", "i32"], result: "i32" },
  nnc_last_error: { parameters: ["buffer", "i32"], result: "i32" },
  nnc_set_threads: { parameters: ["i32"], result: "i32" },
  nnc_get_threads: { parameters: [], result: "i32" },
  nnc_noop: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  nnc_touch: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  nnc_address_mod: { parameters: ["buffer", "i32"], result: "i32" },
  nnc_copy: KERNEL,
  nnc_unary: KERNEL,
  nnc_binary: KERNEL3,
  nnc_where: KERNEL4,
  nnc_reduce: KERNEL,
  nnc_arg_reduce: KERNEL,
  nnc_matmul: KERNEL3,
  nnc_matmul_bias: KERNEL4,
  nnc_softmax: KERNEL,
  nnc_cumulative: KERNEL,
  nnc_sort: KERNEL3,
  nnc_gather: KERNEL3,
  nnc_scatter_add: KERNEL3,
  nnc_index_select: KERNEL3,
  nnc_im2col: KERNEL,
  nnc_col2im: KERNEL,
  nnc_pool: KERNEL3,
  nnc_max_pool_grad: KERNEL3,
  nnc_conv: KERNEL4,
  nnc_conv_max_pool: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnc_conv_input_grad: KERNEL3,
  nnc_conv_weight_grad: KERNEL3,
  nnc_conv_input_grad_pooled: KERNEL4,
  nnc_conv_weight_grad_pooled: KERNEL4,
  nnc_batch_norm: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_batch_norm_backward: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_activation_grad: {
    parameters: ["buffer", "i32", "i32", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnc_sigmoid_ce_with_grad: {
    parameters: ["buffer", "i32", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnc_cholesky: KERNEL,
  nnc_lu: KERNEL,
  nnc_solve: KERNEL3,
  nnc_qr: KERNEL3,
  nnc_eigh: KERNEL3,
  nnc_svd: KERNEL4,
  nnc_sgd_step: {
    parameters: ["buffer", "i32", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnc_adam_step: COEFF_KERNEL5,
  nnc_spmm: COEFF_KERNEL5,
  nnc_sddmm: COEFF_KERNEL5,
  nnc_segment_reduce: {
    parameters: ["buffer", "i32", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnc_lstm_cell: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_lstm_cell_backward: COEFF_KERNEL7,
  nnc_lstm_sequence: COEFF_KERNEL5,
  nnc_lstm_sequence_backward: COEFF_KERNEL7,
  nnc_gru_cell: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_gru_cell_backward: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_attention: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_attention_backward: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_layer_norm: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_layer_norm_backward: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  nnc_sgemm: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer", "buffer", "i32"],
    result: "i32",
  },
  nnc_dgemm: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer", "buffer", "i32"],
    result: "i32",
  },
} as const;

/** The opened library's functions. */
export type NativeSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** An opened libnnc, or why there is none. */
export type NativeLoad =
  | {
    ok: true;
    symbols: NativeSymbols;
    path: string;
    source: "env" | "build" | "cache";
  }
  | { ok: false; reason: string };

function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

function env(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  if (!granted({ name: "read", path })) return false;
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function open(path: string): NativeSymbols {
  const lib = Deno.dlopen(path, SYMBOLS);
  lib.symbols.nnc_init();
  return lib.symbols;
}

const here = new URL(".", import.meta.url);

/** Source text of the bundled C files (local files, or fetched next to this module). */
async function readSources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const s of SOURCES) {
    const url = new URL(s, here);
    files.set(
      s,
      url.protocol === "file:" ? Deno.readTextFileSync(url) : await (await fetch(url)).text(),
    );
  }
  return files;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("").slice(0, 16);
}

/** CPU flags go into the cache key: a `-march=native` build must not move to another CPU. */
function cpuSignature(): string {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return (info.match(/^(model name|flags|Features)\s*:.*$/gm) ?? []).slice(
      0,
      2,
    ).join("\n");
  } catch {
    return `${Deno.build.os}-${Deno.build.arch}`;
  }
}

function cacheRoot(): string | undefined {
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/nnc`;
  const home = env("HOME");
  return home ? `${home}/.cache/nnc` : undefined;
}

/**
 * Compiles the bundled sources into the per-user cache, once per hash of sources, flags and CPU,
 * and returns the library's path (the third place {@link loadNative} looks). `root` is the cache
 * folder: `$XDG_CACHE_HOME/nnc`, else `~/.cache/nnc`, unless given.
 *
 * @example
 * ```ts ignore
 * import { compileInCache } from "@nnc/native";
 * console.log(await compileInCache());
 * ```
 */
export async function compileInCache(
  root: string | undefined = cacheRoot(),
): Promise<string> {
  if (root !== undefined && (typeof root !== "string" || root === "")) {
    throw new TypeError(`compileInCache: root must be a folder's path, got ${String(root)}`);
  }
  if (!root) throw new Error("no HOME or XDG_CACHE_HOME to cache a build in");
  const sources = await readSources();
  const key = await sha256Hex(
    [...sources].map(([n, t]) => `${n}\n${t}`).join("\n") + CFLAGS.join(" ") +
      LDLIBS.join(" ") + cpuSignature(),
  );
  const dir = `${root}/${key}`;
  const file = `${dir}/${libraryFileName()}`;
  if (exists(file)) return file;
  for (const p of [{ name: "write", path: root }, { name: "run" }] as const) {
    if (!granted(p)) {
      throw new Error(
        `building it needs --allow-${
          p.name === "write" ? "write" : "run"
        } (or run \`deno task build:native\`)`,
      );
    }
  }
  console.warn(`@nnc/native: compiling libnnc into ${dir} (first use, a few seconds)`);
  Deno.mkdirSync(`${dir}/src`, { recursive: true });
  for (const [name, text] of sources) {
    Deno.writeTextFileSync(`${dir}/${name}`, text);
  }
  await compileLibrary(`${dir}/src`, file);
  return file;
}

let loaded: Promise<NativeLoad> | undefined;
let settled: NativeLoad | undefined;

/**
 * The result of {@link loadNative} once it has settled, `undefined` before.
 *
 * @example
 * ```ts
 * import { loadNative, loadedNative } from "@nnc/native";
 * await loadNative();
 * console.assert(loadedNative() !== undefined);
 * ```
 */
export function loadedNative(): NativeLoad | undefined {
  return settled;
}

/**
 * Opens libnnc once (later calls return the same result). Never throws: failures come back as
 * `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * import { loadNative } from "@nnc/native";
 * const lib = await loadNative();
 * console.log(lib.ok ? `libnnc from ${lib.path}` : `no libnnc: ${lib.reason}`);
 * ```
 */
export function loadNative(): Promise<NativeLoad> {
  loaded ??= load().then((r) => (settled = r));
  return loaded;
}

async function load(): Promise<NativeLoad> {
  if (!granted({ name: "ffi" })) {
    return { ok: false, reason: "--allow-ffi is not granted" };
  }
  const explicit = env("NNC_NATIVE_LIB");
  try {
    if (explicit) {
      return {
        ok: true,
        symbols: open(explicit),
        path: explicit,
        source: "env",
      };
    }
  } catch (e) {
    return { ok: false, reason: `NNC_NATIVE_LIB=${explicit}: ${message(e)}` };
  }
  const built = here.protocol === "file:"
    ? new URL(`build/${libraryFileName()}`, here).pathname
    : undefined;
  if (built && exists(built)) {
    try {
      return { ok: true, symbols: open(built), path: built, source: "build" };
    } catch (e) {
      return { ok: false, reason: `${built}: ${message(e)}` };
    }
  }
  try {
    const file = await compileInCache();
    return { ok: true, symbols: open(file), path: file, source: "cache" };
  } catch (e) {
    const why = e instanceof NoCompilerError ? e.message : message(e);
    return { ok: false, reason: `no prebuilt library and no build: ${why}` };
  }
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
