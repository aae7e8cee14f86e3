/**
 * Runs the test suite again under the WebAssembly backend (`NNC_BACKEND=wasm`, `@nnc/wasm` preloaded),
 * with its dispatch thresholds off (`NNC_WASM_THRESHOLDS=0`, unless set otherwise) so that every
 * kernel call of every test runs in Wasm, then trains the two-moons MLP example on it (measured
 * thresholds) in a Deno process without `--allow-ffi`. When the
 * runtime cannot instantiate libnnc.wasm this says why and counts as skipped, unless
 * `NNC_REQUIRE_WASM=1` or `NNC_REQUIRE_NATIVE=1` (set by CI) makes it a failure.
 *
 * Usage: `deno run -A tools/test_wasm.ts [test paths…]`
 *
 * @module
 */
import { wasmInfo } from "@nnc/wasm";

const paths = Deno.args.filter((a) => !a.startsWith("--"));
const info = wasmInfo();
if (!info.available) {
  const message = `wasm tests skipped: ${info.reason}`;
  if (Deno.env.get("NNC_REQUIRE_WASM") === "1" || Deno.env.get("NNC_REQUIRE_NATIVE") === "1") {
    console.error(`${message} (NNC_REQUIRE_WASM=1 makes this an error)`);
    Deno.exit(1);
  }
  console.log(message);
  Deno.exit(0);
}
console.log(
  `wasm backend: ${info.simd}, GEMM ${info.relaxedSimd ? "relaxed-SIMD" : "simd128"} ${
    info.gemmTile?.f32.join("×")
  }, ${info.threads} thread`,
);

async function run(args: string[], env: Record<string, string> = {}): Promise<number> {
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NNC_BACKEND: "wasm", ...env },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  return status.code;
}

const suite = await run([
  "test",
  "-A",
  "--parallel",
  "--preload",
  "tools/strict_assert.ts",
  "--preload",
  "wasm/mod.ts",
  ...paths,
], { NNC_WASM_THRESHOLDS: Deno.env.get("NNC_WASM_THRESHOLDS") ?? "0" });
if (suite !== 0 || paths.length > 0) Deno.exit(suite);

// The browser-like case: no FFI, no subprocesses, only what the example needs.
const out = await Deno.makeTempDir({ prefix: "nnc-wasm-example-" });
let code = 1;
try {
  console.log("two-moons MLP on the wasm backend, without --allow-ffi:");
  code = await run(
    [
      "run",
      "--allow-env",
      "--allow-read",
      `--allow-write=${out}`,
      "examples/mlp/two_moons_wasm.ts",
      "--quick",
      "--out-root",
      out,
    ],
    { NNC_WASM_THRESHOLDS: "" },
  );
} finally {
  await Deno.remove(out, { recursive: true });
}
Deno.exit(code);
