// Regression tests for argument errors found by the public-API fuzzer (faults/fuzz_fault.ts): each
// of these calls used to fail with an engine error naming no function ("Cannot read properties of
// null (reading 'metadata')", "shape.join is not a function", "weight.reshape is not a function")
// or with the name of a function called inside; now each is a named TypeError or RangeError.
import assert from "node:assert/strict";
import { tensor } from "@nnc/autograd";
import {
  bilinear,
  groupNorm,
  layerNorm,
  Linear,
  loadModel,
  saveModel,
  saveModelSync,
} from "./mod.ts";

Deno.test("functional layers check their weights and shapes by name", () => {
  const x = tensor([[1, 2, 3, 4]]);
  assert.throws(
    () => layerNorm(x, 4 as never),
    /^TypeError: layerNorm: normalizedShape must be an array/,
  );
  assert.throws(
    () => layerNorm(x, [4], new Map() as never),
    /^TypeError: layerNorm: weight must be/,
  );
  assert.throws(
    () => groupNorm(tensor([[[1], [2]]]), 1, new Map() as never),
    /^TypeError: groupNorm: weight must be/,
  );
  assert.throws(() => bilinear(x, x, undefined as never), /^TypeError: bilinear: weight must be/);
});

Deno.test("saveModel checks its path and options before writing", async () => {
  const m = new Linear(1, 1);
  await assert.rejects(
    () => saveModel([] as never, m),
    /^TypeError: saveModel: path must be a file path \(a non-empty string or a file: URL\), got an array of length 0/,
  );
  await assert.rejects(
    () => saveModel("/tmp/x.safetensors", m, null as never),
    /^TypeError: saveModel: options must be an object/,
  );
  assert.throws(
    () => saveModelSync("/tmp/x.safetensors", m, { metadata: 3 as never }),
    /^TypeError: saveModelSync: metadata must be an object/,
  );
});

Deno.test("loadModel keeps the class of file-system errors (found by the API fuzzer)", async () => {
  // A folder used to come back as a plain Error ("Is a directory"), losing Deno's error class.
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadModel(dir, new Linear(1, 1)),
      (e: Error) => e instanceof Deno.errors.IsADirectory && e.message.startsWith("loadModel: "),
    );
    await assert.rejects(() => loadModel(`${dir}/missing`, new Linear(1, 1)), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
