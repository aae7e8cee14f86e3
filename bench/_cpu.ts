// Which OpenBLAS kernel suits this CPU, read from /proc/cpuinfo flags (Linux x86-64).

/** The OPENBLAS_CORETYPE that uses the widest SIMD this CPU has. */
export function bestOpenblasCoretype(): string {
  let flags = "";
  try {
    flags = Deno.readTextFileSync("/proc/cpuinfo").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return "";
  }
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  if (has("avx512_bf16") && has("avx512bw")) return "COOPERLAKE";
  if (has("avx512f") && has("avx512bw") && has("avx512vl")) return "SKYLAKEX";
  if (has("avx2") && has("fma")) return "HASWELL";
  return "";
}
