import assert from "node:assert/strict";
import {
  ATOMIC_TEMP_SUFFIX,
  isAtomicTempName,
  writeFileAtomic,
  writeFileAtomicSync,
} from "./atomic_write.ts";

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

/** A pid no process has: above the kernel's pid limit. */
function deadPid(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/sys/kernel/pid_max").trim()) + 1;
  } catch {
    return 4194305;
  }
}

Deno.test("writeFileAtomic replaces the target and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.txt`;
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, new Uint8Array([116, 119, 111])); // "two"
    assert.equal(await Deno.readTextFile(path), "two");
    writeFileAtomicSync(new URL(`file://${path}`), "three");
    assert.equal(await Deno.readTextFile(path), "three");
    assert.deepEqual(await names(dir), ["a.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic removes stale temporary files of dead writers, keeps live ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = `.m.st.${deadPid()}.0123456789ab${ATOMIC_TEMP_SUFFIX}`;
    const live = `.m.st.1.0123456789ab${ATOMIC_TEMP_SUFFIX}`; // pid 1 always runs
    const ours = `.m.st.${Deno.pid}.abcdefabcdef${ATOMIC_TEMP_SUFFIX}`; // a failed clean-up of ours
    const other = `.other.st.${deadPid()}.0123456789ab${ATOMIC_TEMP_SUFFIX}`; // another target's
    for (const n of [dead, live, ours, other]) await Deno.writeTextFile(`${dir}/${n}`, "junk");
    await writeFileAtomic(`${dir}/m.st`, "new");
    const expected = ["m.st", other];
    if (Deno.build.os === "linux") expected.push(live);
    assert.deepEqual(await names(dir), expected.sort());
    writeFileAtomicSync(`${dir}/other.st`, "x");
    assert.deepEqual(
      await names(dir),
      (Deno.build.os === "linux" ? ["m.st", "other.st", live] : ["m.st", "other.st"]).sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a failed write leaves the target and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/keep.txt`;
    await writeFileAtomic(path, "good");
    // Renaming a file over a non-empty folder fails after the temporary file was written.
    await Deno.mkdir(`${dir}/sub/inner`, { recursive: true });
    await assert.rejects(
      () => writeFileAtomic(`${dir}/sub`, "x", { op: "saveThing" }),
      (e: Error) => e.message.startsWith(`saveThing: ${dir}/sub:`),
    );
    assert.throws(
      () => writeFileAtomicSync(`${dir}/sub`, "x"),
      (e: Error) => e.message.startsWith("writeFileAtomicSync:"),
    );
    // A missing folder: the error is Deno's NotFound, named.
    await assert.rejects(
      () => writeFileAtomic(`${dir}/missing/x.txt`, "x"),
      (e: Error) => e instanceof Deno.errors.NotFound && e.message.startsWith("writeFileAtomic:"),
    );
    assert.deepEqual(await names(dir), ["keep.txt", "sub"]);
    assert.equal(await Deno.readTextFile(path), "good");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic keeps the mode of the file it replaces", async () => {
  if (Deno.build.os === "windows") return;
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/secret`;
    await Deno.writeTextFile(path, "old", { mode: 0o600 });
    await Deno.chmod(path, 0o600);
    await writeFileAtomic(path, "new");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic checks its arguments", async () => {
  await assert.rejects(() => writeFileAtomic("", "x"), TypeError);
  await assert.rejects(() => writeFileAtomic(new URL("https://a.b/c"), "x"), /file: URL/);
  await assert.rejects(() => writeFileAtomic("/tmp/x", 3 as never), /writeFileAtomic: data must/);
  await assert.rejects(() => writeFileAtomic("/tmp/", "x"), /writeFileAtomic: expected a file/);
  assert.throws(() => writeFileAtomicSync(7 as never, "x"), /writeFileAtomicSync: expected/);
  assert.throws(() => writeFileAtomicSync("/tmp/x", "x", null as never), TypeError);
});

Deno.test("isAtomicTempName recognises the temporary names and their target", () => {
  assert.ok(isAtomicTempName(".a.b.12.0123456789ab.nnc-tmp"));
  assert.ok(isAtomicTempName(".a.b.12.0123456789ab.nnc-tmp", "a.b"));
  assert.ok(!isAtomicTempName(".a.b.12.0123456789ab.nnc-tmp", "a"));
  assert.ok(!isAtomicTempName("a.b.12.0123456789ab.nnc-tmp"));
  assert.ok(!isAtomicTempName(".a.b.x.0123456789ab.nnc-tmp"));
});
