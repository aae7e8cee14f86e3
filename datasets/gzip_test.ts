import assert from "node:assert/strict";
import fc from "fast-check";
import { gunzip, gzip, isGzip } from "./gzip.ts";
import { DataFormatError } from "./errors.ts";
import { assertFormatErrorAsync } from "./_testing.ts";

Deno.test("gzip and gunzip round-trip, across chunk boundaries", async () => {
  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  const packed = await gzip(big);
  assert.ok(isGzip(packed));
  assert.deepEqual(await gunzip(packed), big);
  assert.deepEqual(await gunzip(await gzip(new Uint8Array(0))), new Uint8Array(0));
});

Deno.test("gunzip reports corrupt, truncated and non-gzip data as DataFormatError", async () => {
  const packed = await gzip(new TextEncoder().encode("hello hello hello"));
  await assertFormatErrorAsync(
    () => gunzip(new Uint8Array([1, 2, 3]), { name: "n.gz" }),
    "n.gz",
    0,
    /not gzip data/,
  );
  await assertFormatErrorAsync(
    () => gunzip(packed.subarray(0, 12), { name: "t.gz" }),
    "t.gz",
    12,
    /corrupt or truncated/,
  );
  const flipped = packed.slice();
  flipped[packed.length - 6] ^= 0xff; // checksum
  await assertFormatErrorAsync(
    () => gunzip(flipped, { name: "c.gz" }),
    "c.gz",
    packed.length,
    /corrupt or truncated/,
  );
  assert.throws(() => isGzip("x" as unknown as Uint8Array), TypeError);
  await assert.rejects(
    () => gunzip(new Uint8Array([0x1f, 0x8b]), { name: 3 as unknown as string }),
    /name must be a string/,
  );
});

Deno.test("property: gunzip of corrupted gzip data throws only DataFormatError, or returns bytes", async () => {
  const original = new TextEncoder().encode("the quick brown fox ".repeat(50));
  const packed = await gzip(original);
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), async (at, v, cut) => {
      const bytes = packed.slice(0, 2 + (cut % (packed.length - 1)));
      bytes[at % bytes.length] = v;
      try {
        const out = await gunzip(bytes);
        assert.ok(out instanceof Uint8Array);
      } catch (e) {
        assert.ok(e instanceof DataFormatError, String(e));
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("gunzip names itself for null options", async () => {
  await assert.rejects(
    () => gunzip(new Uint8Array(4), null as never),
    /^TypeError: gunzip: options must be an object, got null$/,
  );
});
