// Finding and building libnnc: the per-user cache build and the no-compiler message.
import assert from "node:assert/strict";
import { compileInCache, loadNative } from "./ffi.ts";
import { compileLibrary, NoCompilerError } from "./_compile.ts";

const haveCc = (() => {
  try {
    return new Deno.Command("cc", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test("loadNative never throws and says where the library came from", async () => {
  const r = await loadNative();
  if (r.ok) assert.ok(["env", "build", "cache"].includes(r.source));
  else assert.ok(r.reason.length > 0);
});

Deno.test(
  { name: "the per-user cache compiles once and reuses the build", ignore: !haveCc },
  async () => {
    const dir = Deno.makeTempDirSync();
    try {
      const file = await compileInCache(`${dir}/nnc`);
      assert.ok(file.startsWith(`${dir}/nnc/`));
      const mtime = Deno.statSync(file).mtime?.getTime();
      assert.equal(await compileInCache(`${dir}/nnc`), file);
      assert.equal(
        Deno.statSync(file).mtime?.getTime(),
        mtime,
        "second call reuses the cached library",
      );
      const lib = Deno.dlopen(file, { nnc_get_threads: { parameters: [], result: "i32" } });
      assert.ok(lib.symbols.nnc_get_threads() >= 1);
      lib.close();
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("compileInCache rejects a cache folder that is not a path", async () => {
  await assert.rejects(
    () => compileInCache(""),
    /^TypeError: compileInCache: root must be a folder's path, got $/,
  );
  await assert.rejects(
    () => compileInCache(7 as never),
    /^TypeError: compileInCache: root must be a folder's path, got 7$/,
  );
});

Deno.test("without a compiler, compiling fails with NoCompilerError and a clear message", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    await assert.rejects(
      () => compileLibrary("/nonexistent", `${dir}/libnnc.so`, "/nonexistent/cc"),
      (e: unknown) => {
        assert.ok(e instanceof NoCompilerError);
        assert.match(e.message, /no C compiler found \("\/nonexistent\/cc"\)/);
        return true;
      },
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("closing libnnc while its workers spin does not crash the process", async (t) => {
  const r = await loadNative();
  if (!r.ok) {
    t.step({ name: `skipped: ${r.reason}`, ignore: true, fn: () => {} });
    return;
  }
  // Deno closes FFI libraries between test modules and at exit. With long spinning, the workers are
  // certainly still executing libnnc's code when the handle closes; only a library that is never
  // unmapped (linked with -z nodelete) survives that.
  const script = `
    import { SYMBOLS } from ${JSON.stringify(new URL("./ffi.ts", import.meta.url).href)};
    const lib = Deno.dlopen(${JSON.stringify(r.path)}, SYMBOLS);
    lib.symbols.nnc_init();
    if (lib.symbols.nnc_set_threads(2) !== 2) Deno.exit(4);
    const n = 1 << 20, x = new Float32Array(n), g = new Float32Array(n).fill(1);
    const c = new Float64Array([n, 4 * n, 4 * n, 0, 0.5, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    if (lib.symbols.nnc_sgd_step(c, c.byteLength, 0, x, g, null) !== 0) Deno.exit(2);
    if (x[n - 1] !== -0.5) Deno.exit(3);
    lib.close();
    await new Promise((done) => setTimeout(done, 200));
    console.log("alive");
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    env: { NNC_THREADS: "2", NNC_SPIN_US: "2000000000" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "alive");
});
