/**
 * Runs the test suite again under the native backend (`--builtin`: with libnnc's own GEMM instead
 * of OpenBLAS). When libnnc cannot be built or loaded this says why and counts as skipped, unless
 * `NNC_REQUIRE_NATIVE=1` (set by CI, where every optional part is installed) makes it a failure.
 *
 * One test file at a time (no `--parallel`): every test here drives libnnc and OpenBLAS, whose
 * threads and buffers are the process's, and a run with two files side by side once grew to 24 GB.
 *
 * Usage: `deno run -A tools/test_native.ts [--builtin] [test paths…]`
 *
 * @module
 */
import { nativeInfo } from "@nnc/native";

const builtin = Deno.args.includes("--builtin");
const paths = Deno.args.filter((a) => !a.startsWith("--"));
const info = nativeInfo();
if (!info.available) {
  const message = `native tests skipped: ${info.reason}`;
  if (Deno.env.get("NNC_REQUIRE_NATIVE") === "1") {
    console.error(`${message} (NNC_REQUIRE_NATIVE=1 makes this an error)`);
    Deno.exit(1);
  }
  console.log(message);
  Deno.exit(0);
}
console.log(
  `native backend: ${info.path} (BLAS ${builtin ? "builtin (forced)" : info.blas}, core ${
    info.coreType ?? "-"
  })`,
);
const env: Record<string, string> = { NNC_BACKEND: "native" };
if (builtin) env.NNC_BLAS = "builtin";
const args = [
  "test",
  "-A",
  "--preload",
  "tools/strict_assert.ts",
  "--preload",
  "native/mod.ts",
  ...(paths.length ? paths : []),
];
const status = await new Deno.Command(Deno.execPath(), {
  args,
  env,
  stdout: "inherit",
  stderr: "inherit",
})
  .spawn().status;
Deno.exit(status.code);
