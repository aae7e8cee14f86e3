import assert from "node:assert/strict";
import { Linear, moduleDisplayData, moduleTable, ReLU, Sequential } from "./mod.ts";

function rows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1].replace(/<\/?b>/g, ""))
  );
}

Deno.test("moduleTable: one row per module with class, settings, own parameter shapes and subtree counts", () => {
  const net = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1, { bias: false }));
  const table = rows(moduleTable(net));
  assert.deepEqual(table[0], ["module", "type", "settings", "parameters", "count"]);
  assert.deepEqual(
    table.slice(1).map((r) => [r[0], r[1], r[3], r[4]]),
    [
      ["(root)", "Sequential", "", "32"],
      ["0", "Linear", "weight [8, 2]<br>bias [8]", "24"],
      ["1", "ReLU", "", ""],
      ["2", "Linear", "weight [1, 8]", "8"],
      ["total", "32"],
    ].map((r) => r.length === 2 ? [r[0], r[1], undefined, undefined] : r),
  );
  assert.match(table[2][2], /in_features=2|inFeatures=2|2, 8/);
});

Deno.test("moduleTable: frozen parameters are marked and counted apart; the display bundle is the table", () => {
  const lin = new Linear(3, 2);
  lin.bias!.requiresGrad = false;
  const html = moduleTable(lin);
  assert.match(html, /bias \[2\] \(frozen\)/);
  assert.match(html, /\(6 trainable, 2 frozen\)/);
  const bundle = (lin as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.deepEqual(bundle, moduleDisplayData(lin));
  assert.equal(bundle["text/plain"], lin.toString());
});

Deno.test("moduleTable, moduleDisplayData: a non-module is a TypeError naming the function", () => {
  assert.throws(() => moduleTable({} as never), /moduleTable: expected a Module, got/);
  assert.throws(() => moduleDisplayData(null as never), /moduleDisplayData: expected a Module/);
});
