// nativeInfo() and the environment variables read when libnnc starts (each case in a fresh
// process, since OpenBLAS reads its settings once, when it loads).
import assert from "node:assert/strict";
import { loadNative, nativeInfo, setNativeThreads } from "./mod.ts";

const lib = await loadNative();
const ignore = !lib.ok;

/** nnc_info() of a fresh process that opens libnnc with exactly the given environment. */
function infoWith(env: Record<string, string>): Record<string, unknown> {
  if (!lib.ok) throw new Error("unreachable");
  const code = `
    const l = Deno.dlopen(${
    JSON.stringify(lib.path)
  }, { nnc_info: { parameters: ["buffer", "i32"], result: "i32" } });
    const b = new Uint8Array(8192);
    console.log(new TextDecoder().decode(b.subarray(0, l.symbols.nnc_info(b, b.length))));`;
  const keep: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LD_LIBRARY_PATH"]) {
    const v = Deno.env.get(k);
    if (v) keep[k] = v;
  }
  const out = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: Deno.makeTempDirSync(),
    env: { ...keep, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({ name: "nativeInfo describes the loaded library", ignore }, () => {
  const info = nativeInfo();
  assert.equal(info.available, true);
  assert.ok(info.path?.length);
  assert.ok(["openblas", "mkl", "blis", "cblas", "builtin"].includes(info.blas ?? ""));
  assert.ok((info.threads ?? 0) >= 1);
  assert.equal(info.fallbackGemm, info.blas === "builtin");
  if (info.blas === "openblas") {
    assert.ok(info.coreType, "OpenBLAS reports its kernel set");
    assert.match(info.config ?? "", /OpenBLAS/);
  }
});

Deno.test({ name: "setNativeThreads changes the thread count and restores it", ignore }, () => {
  // In a child process: the count is libnnc's and OpenBLAS's, shared by every test file running
  // beside this one, and OpenBLAS must not change it under another thread's product.
  const code = `import { nativeInfo, setNativeThreads } from ${
    JSON.stringify(new URL("./mod.ts", import.meta.url).href)
  };
    const before = nativeInfo().threads;
    console.log([setNativeThreads(3), nativeInfo().threads, setNativeThreads(before) === before].join());`;
  const out = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../deno.json", import.meta.url).pathname, code],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "3,3,true");
});

Deno.test({ name: "NNC_THREADS and NNC_BLAS=builtin are read at start-up", ignore }, () => {
  const threads = infoWith({ NNC_THREADS: "3" });
  assert.equal(threads.threads, 3);
  const builtin = infoWith({ NNC_BLAS: "builtin" });
  assert.equal(builtin.blas, "builtin");
  assert.equal(builtin.fallbackGemm, true);
  assert.equal(builtin.builtinForced, true);
  assert.equal(builtin.lapack, null);
});

Deno.test({
  name: "float32 products go to libnnc's own kernels only beside an OpenBLAS kernel of their width",
  ignore,
}, () => {
  const auto = infoWith({});
  const core512 = /skylakex|cooperlake|sapphirerapids/i.test(String(auto.coreType ?? ""));
  const expected = auto.blas === "openblas" &&
    (auto.compiledFor === "avx512" ? core512 : auto.compiledFor === "avx2" && !core512);
  assert.equal(auto.ownSgemm, expected, String(auto.ownSgemmReason));
  const blas = infoWith({ NNC_GEMM: "blas" });
  assert.equal(blas.ownSgemm, false);
  assert.equal(
    blas.ownSgemmReason,
    auto.blas === "openblas" ? "NNC_GEMM=blas" : blas.ownSgemmReason,
  );
  if (auto.blas === "openblas") {
    // A 256-bit OpenBLAS kernel: libnnc's AVX-512 kernels step aside, its AVX2 ones stay.
    const haswell = infoWith({ OPENBLAS_CORETYPE: "Haswell" });
    assert.equal(haswell.ownSgemm, auto.compiledFor === "avx2", String(haswell.ownSgemmReason));
    assert.match(
      String(haswell.ownSgemmReason),
      auto.compiledFor === "avx2" ? /^AVX2 kernels beside OpenBLAS's 256-bit kernels/ : /256-bit/,
    );
  }
  const builtin = infoWith({ NNC_BLAS: "builtin" });
  assert.equal(builtin.ownSgemmReason, "every product runs on libnnc's kernels");
});

Deno.test(
  { name: "OpenBLAS kernel set: cpuid choice, user override, NNC override", ignore },
  () => {
    const auto = infoWith({});
    if (auto.blas !== "openblas") {
      console.warn("OpenBLAS not installed: kernel-set selection not tested");
      return;
    }
    if (auto.bestCoreType) {
      assert.equal(auto.coreTypeSource, "cpuid");
      assert.equal(auto.coreTypeRequested, auto.bestCoreType);
      // OpenBLAS spells its names in mixed case (COOPERLAKE -> Cooperlake).
      assert.equal(String(auto.coreType).toUpperCase(), auto.bestCoreType);
      assert.match(String(auto.coreTypeReason), /AVX/);
    }
    const cpu = auto.cpu as { vendor: string; avx512f: boolean; avx512bw: boolean };
    if (cpu.vendor === "AuthenticAMD" && cpu.avx512f && cpu.avx512bw) {
      // AMD with AVX-512: the choice follows the measured width of 512-bit FMAs.
      const ratio = auto.fma512Ratio as number;
      assert.ok(ratio > 0.5 && ratio < 2.5, `fma512Ratio ${ratio}`);
      assert.equal(auto.bestCoreType, ratio >= 1.5 ? "COOPERLAKE" : "ZEN");
    }
    const user = infoWith({ OPENBLAS_CORETYPE: "Prescott" });
    assert.equal(user.coreTypeSource, "OPENBLAS_CORETYPE");
    assert.equal(user.coreType, "Prescott");
    assert.match(String(user.coreTypeReason), /^set by OPENBLAS_CORETYPE \(libnnc would pick /);
    // NNC_OPENBLAS_CORETYPE wins over the user's OPENBLAS_CORETYPE.
    const nnc = infoWith({ OPENBLAS_CORETYPE: "Prescott", NNC_OPENBLAS_CORETYPE: "Nehalem" });
    assert.equal(nnc.coreTypeSource, "NNC_OPENBLAS_CORETYPE");
    assert.equal(nnc.coreType, "Nehalem");
  },
);

Deno.test({
  name: "huge pages for fresh outputs: state reported, NNC_HUGEPAGES=0 turns off",
  ignore,
}, () => {
  const auto = infoWith({});
  assert.match(String(auto.hugePages), /^(advised|always|never|unavailable)/);
  const off = infoWith({ NNC_HUGEPAGES: "0" });
  assert.equal(off.hugePages, "off (NNC_HUGEPAGES=0)");
  assert.equal(infoWith({ NNC_MALLOC_TUNE: "0" }).hugePages, "off (NNC_MALLOC_TUNE=0)");
});

Deno.test("setNativeThreads rejects what is not an integer (found by the API fuzzer)", () => {
  // NaN used to reach the FFI call: "Invalid FFI i32 type, expected integer".
  assert.throws(() => setNativeThreads(NaN), /^RangeError: setNativeThreads: n must be an integer/);
  assert.throws(
    () => setNativeThreads("2" as never),
    /^RangeError: setNativeThreads: n must be an integer/,
  );
});
