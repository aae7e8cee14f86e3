import assert from "node:assert/strict";
import {
  childEnv,
  isaCaps,
  kernelIsa,
  type KernelSetting,
  type Peer,
  preparePeers,
  runs,
} from "./_peers.ts";
import { SETUP_COMMAND } from "./_venv.ts";

Deno.test("childEnv: every thread count set, OpenMP passive, the setting's variables removed", () => {
  const base = { OPENBLAS_CORETYPE: "Haswell", OPENBLAS_L2_SIZE: "1048576", PATH: "/bin" };
  const unset = childEnv(2, {}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"], base);
  assert.equal(unset.OPENBLAS_CORETYPE, undefined);
  assert.equal(unset.OPENBLAS_L2_SIZE, undefined);
  assert.equal(unset.PATH, "/bin");
  for (
    const name of ["NNC_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]
  ) {
    assert.equal(unset[name], "2");
  }
  assert.equal(unset.OMP_WAIT_POLICY, "PASSIVE");
  // The variables set win over the environment's and over the thread counts.
  const forced = childEnv(1, { OPENBLAS_CORETYPE: "Zen", NNC_THREADS: "3" }, [], base);
  assert.equal(forced.OPENBLAS_CORETYPE, "Zen");
  assert.equal(forced.NNC_THREADS, "3");
  assert.equal(childEnv(1, {}, [], base).OPENBLAS_CORETYPE, "Haswell");
  assert.equal(base.OPENBLAS_CORETYPE, "Haswell", "the base is not changed");
  // Without a base: the process's own environment.
  assert.equal(childEnv(1, {}, []).PATH, Deno.env.get("PATH"));
});

Deno.test("runs: a peer's own reason for a workload, then its general one", () => {
  const peer: Peer = {
    id: "tfjs-cpu",
    column: "TF.js cpu",
    perSetting: false,
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

Deno.test("preparePeers: peers that are not installed are skipped with the reason, not an error", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "nnc-bench-venv-" });
  try {
    const peers = await preparePeers(["torch1.13", "torch2", "jax"], {
      debianPython: `${dir}/no-such-python`,
      venv: dir,
    });
    assert.deepEqual(peers.map((p) => p.id), ["torch1.13", "torch2", "jax"]);
    for (const p of peers) {
      assert.equal(typeof p.unavailable, "string", p.id);
      assert.equal(runs(p, "W2"), p.unavailable);
    }
    assert.ok(peers[1].unavailable!.includes(SETUP_COMMAND));
    assert.ok(peers[2].unavailable!.includes(SETUP_COMMAND));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("preparePeers: nnc's answers count only from the backend the column names", async () => {
  const [native, js] = await preparePeers(["nnc", "nnc-js"], { debianPython: "python3" });
  assert.equal(native.reject!({ backend: "native" }), null);
  assert.equal(native.reject!({ backend: "js" }), "ran on the js backend");
  assert.equal(js.reject!({ backend: "js" }), null);
  assert.equal(js.reject!({ backend: "native" }), "ran on the native backend");
  assert.equal(runs(js, "W2"), true);
  assert.equal(runs(js, "W3"), "nnc's JS backend is measured on the JavaScript peers' workloads");
  assert.equal(runs(native, "W3"), true);
});

Deno.test("isaCaps: PyTorch 2.x held to the vector width of the OpenBLAS kernel set", () => {
  assert.equal(kernelIsa("Haswell"), "AVX2");
  assert.equal(kernelIsa("ZEN"), "AVX2");
  assert.equal(kernelIsa("Cooperlake"), "AVX512");
  assert.equal(kernelIsa("SkylakeX"), "AVX512");
  assert.equal(kernelIsa("Sandybridge"), "AVX");
  assert.equal(kernelIsa(null), null);
  assert.equal(kernelIsa("Neoversen1"), null);
  assert.deepEqual(isaCaps("Haswell"), {
    MKL_ENABLE_INSTRUCTIONS: "AVX2",
    ONEDNN_MAX_CPU_ISA: "AVX2",
  });
  assert.deepEqual(isaCaps("Sandybridge"), {
    MKL_ENABLE_INSTRUCTIONS: "AVX",
    ONEDNN_MAX_CPU_ISA: "AVX",
  });
  assert.deepEqual(isaCaps("Cooperlake"), {});
  assert.deepEqual(isaCaps(null), {});
});

Deno.test("preparePeers: each PyTorch gets the setting's kernel or its instruction set", async () => {
  const [debian, pypi] = await preparePeers(["torch1.13", "torch2"], {
    debianPython: "/no/such/python",
  });
  const setting = (kernel: string): KernelSetting => ({
    id: kernel,
    label: kernel,
    set: {},
    unset: ["OPENBLAS_CORETYPE"],
    kernel,
    config: "",
  });
  assert.ok(debian.perSetting && pypi.perSetting);
  const haswell = pypi.env(1, setting("Haswell"));
  assert.equal(haswell.MKL_ENABLE_INSTRUCTIONS, "AVX2");
  assert.equal(haswell.ONEDNN_MAX_CPU_ISA, "AVX2");
  assert.equal(haswell.OPENBLAS_CORETYPE, undefined);
  const avx512 = pypi.env(2, setting("Cooperlake"));
  assert.equal(avx512.MKL_ENABLE_INSTRUCTIONS, Deno.env.get("MKL_ENABLE_INSTRUCTIONS"));
  assert.equal(avx512.MKL_NUM_THREADS, "2");
  const old = debian.env(1, setting("Haswell"));
  assert.equal(old.OPENBLAS_CORETYPE, "Haswell");
  assert.equal(old.MKL_ENABLE_INSTRUCTIONS, Deno.env.get("MKL_ENABLE_INSTRUCTIONS"));
});

Deno.test("preparePeers: an unknown peer is a RangeError naming the known ones", async () => {
  await assert.rejects(
    () => preparePeers(["torch3"], { debianPython: "python3" }),
    (e) => e instanceof RangeError && /unknown peer torch3; known: nnc, torch1.13/.test(e.message),
  );
});
