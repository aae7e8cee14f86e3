import assert from "node:assert/strict";
import {
  allocTyped,
  emptyStoragePool,
  matmul,
  ones,
  releaseStorage,
  STORAGE_ALIGNMENT,
  STORAGE_POOL_MIN_BYTES,
  type TypedArray,
} from "@nnc/tensor";
import { loadNative, nativeInfo } from "./mod.ts"; // imports register.ts

const addressOf = (data: TypedArray | Uint8Array) =>
  Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(data)));

Deno.test({
  name: "with libnnc loaded, large storages start on 64-byte boundaries, fresh and recycled",
  ignore: !nativeInfo().available,
  fn() {
    emptyStoragePool();
    const sizes = [STORAGE_POOL_MIN_BYTES / 4, 1 << 18, (1 << 20) + 3, 3 << 20];
    const fresh = sizes.map((n) => allocTyped("float32", n));
    for (const a of fresh) assert.equal(addressOf(a) % STORAGE_ALIGNMENT, 0);
    const addresses = fresh.map(addressOf);
    for (const a of fresh) assert.equal(releaseStorage(a), true);
    // Recycled: the same memory (the pool moves buffers without copying), so the same address.
    const again = sizes.map((n) => allocTyped("float32", n));
    assert.deepEqual(again.map(addressOf), addresses);
    const c = matmul(ones([256, 256]), ones([256, 256]));
    assert.equal(addressOf(c.data) % STORAGE_ALIGNMENT, 0);
    assert.equal(c.get(255, 255), 256);
    emptyStoragePool();
  },
});

Deno.test({
  name: "nnc_address_mod reads an address modulo m, and refuses a modulus below 1",
  ignore: !nativeInfo().available,
  async fn() {
    const lib = await loadNative();
    assert.ok(lib.ok);
    const buffer = new Uint8Array(4096 + 64);
    for (const offset of [0, 1, 16, 63, 64, 100]) {
      const view = buffer.subarray(offset);
      for (const m of [1, 8, 64, 4096]) {
        assert.equal(lib.symbols.nnc_address_mod(view, m), addressOf(view) % m);
      }
    }
    assert.ok(lib.symbols.nnc_address_mod(buffer, 0) < 0);
    assert.ok(lib.symbols.nnc_address_mod(buffer, -64) < 0);
  },
});
