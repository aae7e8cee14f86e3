/**
 * What the WebAssembly backend runs on: `wasmInfo()`.
 *
 * @module
 */
import { defaultWasm } from "./_state.ts";

/** The WebAssembly backend's configuration, or why it is not available. */
export interface WasmInfo {
  /** True when libnnc's WebAssembly build is instantiated (the backend is registered as `"wasm"`). */
  available: boolean;
  /** Why it is not (when `available` is false). */
  reason?: string;
  /** The vector instruction set the kernels use (`simd128`). */
  simd?: string;
  /** Threads the kernels run on. */
  threads?: number;
  /** GEMM: always libnnc's own (`builtin`), there is no BLAS in WebAssembly. */
  blas?: string;
  /** True when the float32 GEMM uses the relaxed-SIMD kernel (fused multiply-adds). */
  relaxedSimd?: boolean;
  /** Micro-tile (rows × columns of C) of the float32 and float64 GEMM kernels. */
  gemmTile?: { f32: [number, number]; f64: [number, number] };
  /** Current size of linear memory, in bytes. */
  memoryBytes?: number;
  /** The most bytes linear memory may grow to. */
  maxMemoryBytes?: number;
}

/**
 * Describes the registered WebAssembly backend (import `@nnc/wasm` first).
 *
 * @example
 * ```ts
 * import { wasmInfo } from "@nnc/wasm";
 * const info = wasmInfo();
 * console.log(info.available ? `wasm: ${info.simd}, ${info.threads} thread` : info.reason);
 * ```
 */
export function wasmInfo(): WasmInfo {
  const load = defaultWasm();
  if (!load) return { available: false, reason: "@nnc/wasm is not loaded yet" };
  if (!load.ok) return { available: false, reason: load.reason };
  const { exports, memory, maxMemoryBytes, relaxedSimd } = load.kernels;
  const cap = 512;
  const buf = exports.nnc_wasm_alloc(cap);
  let raw: { threads: number; simd: string; blas: string; gemm: { f32: number[]; f64: number[] } };
  try {
    const n = exports.nnc_info(buf, cap);
    raw = JSON.parse(new TextDecoder().decode(new Uint8Array(memory.buffer, buf, n).slice()));
  } finally {
    exports.nnc_wasm_free(buf);
  }
  return {
    available: true,
    simd: raw.simd,
    threads: raw.threads,
    blas: raw.blas,
    relaxedSimd,
    gemmTile: {
      f32: [raw.gemm.f32[0], raw.gemm.f32[1]],
      f64: [raw.gemm.f64[0], raw.gemm.f64[1]],
    },
    memoryBytes: memory.buffer.byteLength,
    maxMemoryBytes,
  };
}
