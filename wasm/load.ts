/**
 * Instantiating libnnc's WebAssembly build. The binary travels inside the package as base64 (a
 * generated TypeScript module), so loading it needs no file, network or FFI permission: it works in
 * Deno without flags, in browsers and from JSR alike. Linear memory is created here, so that a
 * caller can cap it (`maxMemoryBytes`).
 *
 * @module
 */
import { NNC_RELAXED_GEMM_BASE64, NNC_WASM_BASE64, NNC_WASM_INITIAL_PAGES } from "./_nnc_wasm.ts";

/** A kernel entry point: pointers and sizes in, a status out (see native/src/nnc.h). */
export type NncKernel = (...args: number[]) => number;

/** The functions libnnc's WebAssembly build exports (pointers are byte offsets into its memory). */
export interface NncExports {
  /** Every kernel and helper of native/src/nnc.h, by its C name. */
  readonly [name: string]: NncKernel;
}

/** An instantiated libnnc: its exports and its linear memory. */
export interface WasmKernels {
  /** The exported C functions. */
  readonly exports: NncExports;
  /** The instance's linear memory (its `buffer` is replaced whenever it grows). */
  readonly memory: WebAssembly.Memory;
  /** The most bytes the memory may grow to. */
  readonly maxMemoryBytes: number;
  /** True when the float32 GEMM runs the relaxed-SIMD kernel (fused multiply-adds). */
  readonly relaxedSimd: boolean;
}

/** An instantiated libnnc, or why there is none. */
export type WasmLoad = { ok: true; kernels: WasmKernels } | { ok: false; reason: string };

/** Options of {@link loadWasm}. */
export interface LoadWasmOptions {
  /**
   * Cap on linear memory in bytes (rounded down to 64 KiB pages; default and maximum 4 GiB, all a
   * wasm32 module can address). Operands beyond it make the backend throw a `RangeError`.
   */
  maxMemoryBytes?: number;
  /**
   * Use the relaxed-SIMD GEMM kernel (`f32x4.relaxed_madd`) where the runtime supports it (default
   * true); false keeps the simd128 kernel everywhere (a multiply and an add per step).
   */
  relaxedSimd?: boolean;
}

const PAGE = 65536;
const MAX_PAGES = 65536;
const ENOSYS = 52;

let compiled: Promise<WebAssembly.Module> | undefined;
let compiledRelaxed: Promise<WebAssembly.Module | null> | undefined;

function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module, once per process (compiling is the slow part; instances are cheap). */
function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(NNC_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return compiled;
}

/** The relaxed-SIMD kernel module, or null where the runtime rejects relaxed SIMD. */
function relaxedModule(): Promise<WebAssembly.Module | null> {
  compiledRelaxed ??= (async () => {
    const bytes = decodeBase64(NNC_RELAXED_GEMM_BASE64) as Uint8Array<ArrayBuffer>;
    if (!WebAssembly.validate(bytes)) return null;
    return await WebAssembly.compile(bytes);
  })().catch(() => null);
  return compiledRelaxed;
}

/** Puts the relaxed kernel into the main module's function table; true when it is in use. */
async function installRelaxedGemm(
  exports: NncExports,
  table: WebAssembly.Table,
  memory: WebAssembly.Memory,
): Promise<boolean> {
  const module = await relaxedModule();
  if (!module) return false;
  const kernel = await WebAssembly.instantiate(module, { env: { memory } });
  const index = table.grow(1);
  table.set(index, kernel.exports.nnc_ukr_s as (...args: number[]) => void);
  return exports.nnc_wasm_set_sgemm_kernel(index) === 6;
}

/**
 * Instantiates libnnc's WebAssembly build (a fresh instance with its own memory at each call).
 * Never throws: a runtime without WebAssembly or without 128-bit SIMD gets `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * import { loadWasm } from "@nnc/wasm";
 * const wasm = await loadWasm();
 * console.log(wasm.ok ? "libnnc.wasm loaded" : `no wasm: ${wasm.reason}`);
 * ```
 */
export async function loadWasm(options: LoadWasmOptions = {}): Promise<WasmLoad> {
  const max = options.maxMemoryBytes ?? MAX_PAGES * PAGE;
  if (typeof max !== "number" || !(max >= NNC_WASM_INITIAL_PAGES * PAGE)) {
    throw new RangeError(
      `loadWasm: maxMemoryBytes must be a number >= ${
        NNC_WASM_INITIAL_PAGES * PAGE
      } (the initial memory), got ${String(max)}`,
    );
  }
  if (typeof WebAssembly === "undefined") {
    return { ok: false, reason: "this runtime has no WebAssembly" };
  }
  const maximum = Math.min(MAX_PAGES, Math.floor(max / PAGE));
  try {
    const module = await wasmModule();
    const memory = new WebAssembly.Memory({ initial: NNC_WASM_INITIAL_PAGES, maximum });
    // libnnc never does I/O; the WASI functions wasi-libc links in for stdio answer "unsupported".
    const wasi: Record<string, () => number> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module === "wasi_snapshot_preview1" && imp.kind === "function") {
        wasi[imp.name] = () => ENOSYS;
      }
    }
    const instance = await WebAssembly.instantiate(module, {
      env: { memory },
      wasi_snapshot_preview1: wasi,
    });
    const exports = instance.exports as unknown as NncExports;
    exports._initialize?.();
    const table = instance.exports.__indirect_function_table as WebAssembly.Table;
    const relaxedSimd = (options.relaxedSimd ?? true) &&
      await installRelaxedGemm(exports, table, memory);
    return {
      ok: true,
      kernels: { exports, memory, maxMemoryBytes: maximum * PAGE, relaxedSimd },
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `cannot instantiate libnnc.wasm (needs 128-bit SIMD): ${why}` };
  }
}
