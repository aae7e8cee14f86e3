import assert from "node:assert/strict";
import { findPeerVenv, peerMklLibrary, peerVenvDir, SETUP_COMMAND } from "./_venv.ts";

const REQUIREMENTS = new URL("./requirements-peers.txt", import.meta.url).pathname;

/** Runs `body` with a fresh empty folder for the environment. */
function withVenvDir(body: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "nnc-bench-venv-" });
  try {
    body(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("peerVenvDir: NNC_BENCH_VENV first, else the user's cache folder", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const all = { NNC_BENCH_VENV: "/v", XDG_CACHE_HOME: "/somewhere/cache", HOME: "/home/u" };
  assert.equal(peerVenvDir(env(all)), "/v");
  assert.equal(
    peerVenvDir(env({ XDG_CACHE_HOME: "/somewhere/cache", HOME: "/home/u" })),
    "/somewhere/cache/nnc-bench/venv",
  );
  assert.equal(peerVenvDir(env({ HOME: "/home/u" })), "/home/u/.cache/nnc-bench/venv");
  assert.equal(peerVenvDir(env({})), "/tmp/.cache/nnc-bench/venv");
});

Deno.test("findPeerVenv: missing or stale environments name the setup task; it never installs", () => {
  withVenvDir((dir) => {
    const missing = findPeerVenv(dir);
    assert.equal(missing.python, undefined);
    assert.match(missing.error!, /not installed/);
    assert.ok(missing.error!.includes(SETUP_COMMAND));
    // Nothing was created by looking.
    assert.deepEqual([...Deno.readDirSync(dir)], []);

    Deno.mkdirSync(`${dir}/bin`);
    Deno.writeTextFileSync(`${dir}/bin/python`, "");
    Deno.writeTextFileSync(`${dir}/nnc-bench-requirements.txt`, "torch==1.0\n");
    const stale = findPeerVenv(dir);
    assert.match(stale.error!, /predates bench\/requirements-peers.txt/);
    assert.ok(stale.error!.includes(SETUP_COMMAND));

    Deno.writeTextFileSync(
      `${dir}/nnc-bench-requirements.txt`,
      Deno.readTextFileSync(REQUIREMENTS),
    );
    assert.deepEqual(findPeerVenv(dir), { python: `${dir}/bin/python` });
  });
});

Deno.test("peerMklLibrary: the newest libmkl_rt.so.N in the environment's lib, else how to install", () => {
  withVenvDir((dir) => {
    assert.deepEqual(peerMklLibrary(dir), {
      error: `no libmkl_rt.so.N in ${dir}/lib: run ${SETUP_COMMAND}`,
    });
    Deno.mkdirSync(`${dir}/lib`);
    for (const name of ["libmkl_rt.so.10", "libmkl_rt.so.3", "libmkl_rt.so", "libmkl_core.so.11"]) {
      Deno.writeTextFileSync(`${dir}/lib/${name}`, "");
    }
    assert.deepEqual(peerMklLibrary(dir), { path: `${dir}/lib/libmkl_rt.so.10` });
  });
});
