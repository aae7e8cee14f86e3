/**
 * Runs the multi-process tests of @nnc/distributed (`distributed/mpi_tests/*_mpi.ts`), which start
 * jobs with `mpirun`. When MPI cannot be used here (no Open MPI, no mpicc to build the shim, no
 * mpirun) this says why and counts as skipped, unless `NNC_REQUIRE_MPI=1` (set by CI, where Open
 * MPI is installed) makes it a failure. The ranks run on the JS backend (the oracle: what is
 * tested is the communication), one thread each.
 *
 * Usage: `deno run -A tools/test_mpi.ts [test paths…]` (the `test:mpi` task)
 *
 * @module
 */
import { mpiInfo } from "@nnc/distributed";

const DEFAULT_TESTS = [
  "distributed/mpi_tests/collectives_mpi.ts",
  "distributed/mpi_tests/equivalence_mpi.ts",
  "distributed/mpi_tests/dead_rank_mpi.ts",
];

async function mpirunVersion(): Promise<string | null> {
  const cmd = Deno.env.get("MPIRUN") || "mpirun";
  try {
    const out = await new Deno.Command(cmd, {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).split("\n")[0] : null;
  } catch {
    return null;
  }
}

function skip(reason: string): never {
  const message = `MPI tests skipped: ${reason}`;
  if (Deno.env.get("NNC_REQUIRE_MPI") === "1") {
    console.error(`${message} (NNC_REQUIRE_MPI=1 makes this an error)`);
    Deno.exit(1);
  }
  console.log(message);
  Deno.exit(0);
}

const info = await mpiInfo();
if (!info.available) skip(info.reason ?? "MPI is not available");
const launcher = await mpirunVersion();
if (launcher === null) skip("no mpirun on PATH (Debian: apt-get install openmpi-bin)");
console.log(`MPI: ${info.library}; launcher: ${launcher}; ranks on the JS backend`);
const paths = Deno.args.filter((a) => !a.startsWith("--"));
const status = await new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "-A",
    "--preload",
    "tools/strict_assert.ts",
    ...(paths.length ? paths : DEFAULT_TESTS),
  ],
  env: { NNC_BACKEND: "js" },
  stdout: "inherit",
  stderr: "inherit",
}).spawn().status;
Deno.exit(status.code);
