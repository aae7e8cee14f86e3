import assert from "node:assert/strict";
import { childEnv, type Peer, runs } from "./_peers.ts";

Deno.test("childEnv: every thread count set, OpenMP passive, the setting's variables removed", () => {
  Deno.env.set("OPENBLAS_CORETYPE", "Haswell");
  Deno.env.set("OPENBLAS_L2_SIZE", "1048576");
  try {
    const unset = childEnv(2, {}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]);
    assert.equal(unset.OPENBLAS_CORETYPE, undefined);
    assert.equal(unset.OPENBLAS_L2_SIZE, undefined);
    for (
      const name of ["NNC_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
    ) {
      assert.equal(unset[name], "2");
    }
    assert.equal(unset.OMP_WAIT_POLICY, "PASSIVE");
    // The variables set win over the environment's and over the thread counts.
    const forced = childEnv(1, { OPENBLAS_CORETYPE: "Zen", NNC_THREADS: "3" }, []);
    assert.equal(forced.OPENBLAS_CORETYPE, "Zen");
    assert.equal(forced.NNC_THREADS, "3");
    assert.equal(childEnv(1, {}, []).OPENBLAS_CORETYPE, "Haswell");
  } finally {
    Deno.env.delete("OPENBLAS_CORETYPE");
    Deno.env.delete("OPENBLAS_L2_SIZE");
  }
});

Deno.test("runs: a peer's own reason for a workload, then its general one", () => {
  const peer: Peer = {
    id: "tfjs-cpu",
    column: "TF.js cpu",
    openblas: false,
    workloads: new Set(["W2"]),
    cannot: { "W7-grad": "no tape", "*": "W1, W2, W7 and W8 only" },
    version: "",
    unavailable: null,
    command: () => [],
    env: () => ({}),
  };
  assert.equal(runs(peer, "W2"), true);
  assert.equal(runs(peer, "W7-grad"), "no tape");
  assert.equal(runs(peer, "W3"), "W1, W2, W7 and W8 only");
  assert.equal(runs({ ...peer, unavailable: "no venv" }, "W2"), "no venv");
});
