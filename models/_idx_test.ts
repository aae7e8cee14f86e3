import assert from "node:assert/strict";
import { readIdx } from "./_idx.ts";

async function tempFile(bytes: Uint8Array, gzip = false): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: gzip ? ".idx.gz" : ".idx" });
  let data = bytes;
  if (gzip) {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
      new CompressionStream("gzip"),
    );
    data = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  await Deno.writeFile(path, data);
  return path;
}

const HEADER = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3];

Deno.test("readIdx: plain and gzipped unsigned-byte files", async () => {
  for (const gzip of [false, true]) {
    const path = await tempFile(new Uint8Array([...HEADER, 1, 2, 3, 4, 5, 255]), gzip);
    const f = await readIdx(path);
    assert.deepEqual(f.shape, [2, 3]);
    assert.deepEqual(Array.from(f.data), [1, 2, 3, 4, 5, 255]);
    await Deno.remove(path);
  }
});

Deno.test("readIdx: malformed files are errors naming the file and the byte offset", async () => {
  const cases: [number[], RegExp][] = [
    [[0, 0, 8], /is 3 bytes; an IDX header needs at least 4 \(at byte offset 0\)/],
    [[1, 0, 8, 1, 0, 0, 0, 1, 7], /has magic bytes 1, 0 at byte offset 0; expected 0, 0/],
    [[0, 0, 0x0d, 1, 0, 0, 0, 1, 7], /element type 0xd at byte offset 2; only unsigned bytes/],
    [[0, 0, 8, 2, 0, 0, 0, 2], /ends at byte offset 8 inside its 2-d header/],
    [
      [...HEADER, 1, 2, 3],
      /has 3 data bytes after the header at byte offset 12; shape \[2, 3\] needs 6/,
    ],
  ];
  for (const [bytes, message] of cases) {
    const path = await tempFile(new Uint8Array(bytes));
    await assert.rejects(readIdx(path), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, message);
      assert.ok(e.message.includes(path));
      return true;
    });
    await Deno.remove(path);
  }
  const bad = await tempFile(new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
  await assert.rejects(readIdx(bad), /is not valid gzip/);
  await Deno.remove(bad);
});
