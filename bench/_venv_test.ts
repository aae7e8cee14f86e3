import assert from "node:assert/strict";
import { findPeerVenv, peerMklLibrary, peerVenvDir, SETUP_COMMAND } from "./_venv.ts";

const REQUIREMENTS = new URL("./requirements-peers.txt", import.meta.url).pathname;

/** Runs `body` with NNC_BENCH_VENV pointing at a fresh empty folder. */
function withVenvDir(body: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "nnc-bench-venv-" });
  const before = Deno.env.get("NNC_BENCH_VENV");
  Deno.env.set("NNC_BENCH_VENV", dir);
  try {
    body(dir);
  } finally {
    if (before === undefined) Deno.env.delete("NNC_BENCH_VENV");
    else Deno.env.set("NNC_BENCH_VENV", before);
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("peerVenvDir: NNC_BENCH_VENV first, else the user's cache folder", () => {
  withVenvDir((dir) => assert.equal(peerVenvDir(), dir));
  const before = Deno.env.get("NNC_BENCH_VENV");
  Deno.env.delete("NNC_BENCH_VENV");
  const cache = Deno.env.get("XDG_CACHE_HOME");
  Deno.env.set("XDG_CACHE_HOME", "/somewhere/cache");
  try {
    assert.equal(peerVenvDir(), "/somewhere/cache/nnc-bench/venv");
  } finally {
    if (cache === undefined) Deno.env.delete("XDG_CACHE_HOME");
    else Deno.env.set("XDG_CACHE_HOME", cache);
    if (before !== undefined) Deno.env.set("NNC_BENCH_VENV", before);
  }
});

Deno.test("findPeerVenv: missing or stale environments name the setup task; it never installs", () => {
  withVenvDir((dir) => {
    const missing = findPeerVenv();
    assert.equal(missing.python, undefined);
    assert.match(missing.error!, /not installed/);
    assert.ok(missing.error!.includes(SETUP_COMMAND));
    // Nothing was created by looking.
    assert.deepEqual([...Deno.readDirSync(dir)], []);

    Deno.mkdirSync(`${dir}/bin`);
    Deno.writeTextFileSync(`${dir}/bin/python`, "");
    Deno.writeTextFileSync(`${dir}/nnc-bench-requirements.txt`, "torch==1.0\n");
    const stale = findPeerVenv();
    assert.match(stale.error!, /predates bench\/requirements-peers.txt/);
    assert.ok(stale.error!.includes(SETUP_COMMAND));

    Deno.writeTextFileSync(
      `${dir}/nnc-bench-requirements.txt`,
      Deno.readTextFileSync(REQUIREMENTS),
    );
    assert.deepEqual(findPeerVenv(), { python: `${dir}/bin/python` });
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
    assert.deepEqual(peerMklLibrary(), { path: `${dir}/lib/libmkl_rt.so.10` }, "NNC_BENCH_VENV");
  });
});
