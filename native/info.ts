/**
 * What the native backend runs on: `nativeInfo()` (BLAS library, its version and kernel set,
 * threads, whether the built-in GEMM is in use) and `setNativeThreads()`.
 *
 * @module
 */
import { loadedNative } from "./ffi.ts";
import { describe } from "@nnc/tensor";

/** CPU features libnnc read with cpuid. */
export interface CpuInfo {
  /** Vendor string, e.g. `GenuineIntel`, `AuthenticAMD`. */
  vendor: string;
  /** Family number (with the extended family). */
  family: number;
  /** Model number (with the extended model). */
  model: number;
  /** AVX2 support. */
  avx2: boolean;
  /** FMA3 support. */
  fma: boolean;
  /** AVX-512 Foundation. */
  avx512f: boolean;
  /** AVX-512 byte/word. */
  avx512bw: boolean;
  /** AVX-512 vector length extensions. */
  avx512vl: boolean;
  /** AVX-512 doubleword/quadword. */
  avx512dq: boolean;
  /** AVX-512 BF16 (Cooper Lake and later). */
  avx512bf16: boolean;
}

/** The native backend's configuration, or why it is not available. */
export interface NativeInfo {
  /** True when libnnc is loaded (the backend is registered as `"native"`). */
  available: boolean;
  /** Why libnnc is not loaded (when `available` is false). */
  reason?: string;
  /** The libnnc file in use. */
  path?: string;
  /** Where it came from: `NNC_NATIVE_LIB`, the package's build folder, or the per-user cache. */
  source?: "env" | "build" | "cache";
  /** The BLAS in use: `openblas`, `mkl`, `blis`, `cblas`, or `builtin` (libnnc's own GEMM). */
  blas?: string;
  /** The BLAS library name that was opened. */
  library?: string | null;
  /** Its resolved path. */
  libraryPath?: string | null;
  /** OpenBLAS's configuration string (version, build options, kernel set). */
  config?: string | null;
  /** The kernel set OpenBLAS runs (`openblas_get_corename()`), e.g. `Cooperlake`, `Haswell`. */
  coreType?: string | null;
  /** The `OPENBLAS_CORETYPE` in force when OpenBLAS loaded. */
  coreTypeRequested?: string | null;
  /** Who chose it: `cpuid` (libnnc), `NNC_OPENBLAS_CORETYPE`, `OPENBLAS_CORETYPE` (the user) or `openblas`. */
  coreTypeSource?: string | null;
  /**
   * Why that kernel set: the CPU features libnnc found (on AMD with AVX-512, the measured speed of
   * 512-bit FMAs against 256-bit ones), or who set it and what libnnc would have picked.
   */
  coreTypeReason?: string | null;
  /**
   * Flops per cycle of 512-bit FMAs over 256-bit ones, measured at start-up on AMD CPUs with
   * AVX-512 (≈ 2: full-width FPU, the AVX-512 kernels win; ≈ 1: the AVX2 kernels win).
   */
  fma512Ratio?: number;
  /** The best kernel set for this CPU by cpuid. */
  bestCoreType?: string | null;
  /** True when OpenBLAS was already loaded in the process, too late to choose its kernel set. */
  openblasPreloaded?: boolean;
  /**
   * Transparent huge pages for fresh output memory: `advised (…)` (libnnc advises the heap where
   * outputs of 1 MiB or more are written, so fresh memory faults in 2 MiB at a time), `always` or
   * `never` (the kernel's setting), `unavailable`, or `off (NNC_HUGEPAGES=0)`.
   */
  hugePages?: string;
  /** Threads of libnnc (NNC_THREADS, default the number of cores). */
  threads?: number;
  /** Worker threads libnnc's pool has started so far (at most `threads - 1` at any one setting). */
  poolWorkers?: number;
  /** Threads the BLAS uses between calls (1 by default: libnnc raises it only during large GEMMs). */
  blasThreads?: number;
  /**
   * `nnc` (default: libnnc's pool splits medium GEMMs and runs everything else; the BLAS threads
   * only large GEMMs and sleeps right after) or `blas` (NNC_BLAS_THREADING=blas).
   */
  threading?: string;
  /** True when GEMM runs on libnnc's built-in kernels (no BLAS found, or NNC_BLAS=builtin). */
  fallbackGemm?: boolean;
  /** True when NNC_BLAS=builtin forced the built-in GEMM. */
  builtinForced?: boolean;
  /**
   * True when float32 products of mid size (2^20 to 2^29 multiply-adds: a training step's) run on
   * libnnc's own kernels beside OpenBLAS: its AVX-512 kernels (at least 8 rows and 32 columns)
   * beside an OpenBLAS that runs AVX-512 kernels too, or its AVX2 kernels (K ≤ 128, or K ≤ 512 with at
   * least 128 rows) beside a 256-bit
   * OpenBLAS kernel; `NNC_GEMM=blas` turns it off.
   */
  ownSgemm?: boolean;
  /** Why `ownSgemm` is what it is. */
  ownSgemmReason?: string;
  /** The library LAPACK comes from, or null (linear algebra then runs in the JS backend). */
  lapack?: string | null;
  /** CPU features. */
  cpu?: CpuInfo;
  /** The instruction set libnnc was compiled for (`avx512`, `avx2`, `avx`, `generic`). */
  compiledFor?: string;
}

/**
 * Describes the native backend: which BLAS and kernel set it uses, its threads, or why it is not
 * loaded.
 *
 * @example
 * ```ts
 * import { nativeInfo } from "@nnc/native";
 * const info = nativeInfo();
 * console.log(info.available ? `${info.blas} ${info.coreType ?? ""}, ${info.threads} threads` : info.reason);
 * ```
 */
export function nativeInfo(): NativeInfo {
  const lib = loadedNative();
  if (!lib) {
    return {
      available: false,
      reason: "libnnc is not loaded yet (await loadNative())",
    };
  }
  if (!lib.ok) return { available: false, reason: lib.reason };
  const buf = new Uint8Array(8192);
  const n = lib.symbols.nnc_info(buf, buf.length);
  const raw = JSON.parse(new TextDecoder().decode(buf.subarray(0, n)));
  const { path: libraryPath, ...rest } = raw;
  return {
    available: true,
    path: lib.path,
    source: lib.source,
    ...rest,
    libraryPath,
  };
}

/**
 * Sets the threads of libnnc and of the BLAS (`n <= 0`: the number of cores); returns the count in
 * effect. Without libnnc it returns 1.
 *
 * @example
 * ```ts
 * import { nativeInfo, setNativeThreads } from "@nnc/native";
 * const before = nativeInfo().threads ?? 0;
 * setNativeThreads(1);
 * setNativeThreads(before);
 * ```
 */
export function setNativeThreads(n: number): number {
  // The C side takes an int32 (and clamps it to its pool); NaN or a string would fail in the FFI.
  if (typeof n !== "number" || !Number.isInteger(n) || Math.abs(n) > 2 ** 31 - 1) {
    throw new RangeError(
      `setNativeThreads: n must be an integer (<= 0: all cores), got ${describe(n)}`,
    );
  }
  const lib = loadedNative();
  if (!lib?.ok) return 1;
  return lib.symbols.nnc_set_threads(Math.trunc(n));
}
