import assert from "node:assert/strict";
import { getCommunicator, initDistributed, launchedByMpi, mpiInfo, mpirunCommand } from "./mod.ts";

Deno.test("initDistributed: a plain process is a job of one, the same communicator every time", async () => {
  assert.equal(launchedByMpi(), false, "the tests do not run under mpirun");
  const world = await initDistributed();
  assert.equal(world.backend, "single");
  assert.equal(world.rank, 0);
  assert.equal(world.size, 1);
  assert.equal(await initDistributed(), world);
  assert.equal(getCommunicator(), world);
  await assert.rejects(
    () => initDistributed({ backend: "mpi" }),
    /initDistributed: already initialised with backend "single", asked for "mpi"/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => initDistributed({ backend: "tcp" as any }),
    /initDistributed: backend must be one of "auto", "mpi", "single", got "tcp"/,
  );
  await assert.rejects(
    () => initDistributed({ timeout: -1 }),
    /initDistributed: timeout must be a finite number >= 0, got -1/,
  );
});

Deno.test("mpiInfo: available with a library version, or a reason", async () => {
  const info = await mpiInfo();
  assert.equal(info.launched, false);
  if (info.available) assert.match(info.library!, /MPI/);
  else assert.ok(info.reason && info.reason.length > 0);
});

Deno.test("mpirunCommand: np, oversubscription, threads per rank, this Deno and its permissions", () => {
  const cmd = mpirunCommand(
    { np: 3, threadsPerRank: 1, mpirunArgs: ["--hostfile", "hosts"], mpirun: "mpiexec" },
    "/tmp/train.ts",
    ["--quick"],
  );
  assert.deepEqual(cmd.slice(0, 4), ["mpiexec", "-np", "3", "--oversubscribe"]);
  assert.ok(cmd.includes("NNC_THREADS=1") && cmd.includes("OPENBLAS_NUM_THREADS=1"));
  const deno = cmd.indexOf(Deno.execPath());
  assert.deepEqual(cmd.slice(deno - 2, deno), ["--hostfile", "hosts"]);
  assert.deepEqual(cmd.slice(deno + 1, deno + 3), ["run", "-A"], "the tests hold every permission");
  assert.deepEqual(cmd.slice(-2), ["/tmp/train.ts", "--quick"]);
  assert.equal(cmd.includes("--allow-run-as-root"), Deno.uid() === 0);
  assert.throws(
    () => mpirunCommand({ np: 0 }, "x.ts"),
    /mpirunCommand: np must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => mpirunCommand({ np: 1 }, ""),
    (e: unknown) =>
      e instanceof TypeError && /mpirunCommand: script must be a path/.test(e.message),
  );
});
