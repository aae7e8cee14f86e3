import assert from "node:assert/strict";
import {
  checkLayers,
  checkRepository,
  type LayerTable,
  type Violation,
  type WorkspacePackage,
} from "./check_layers.ts";
import { scanImports } from "./import_scan.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

// A small workspace shaped like nnc's: tensor ← autograd ← layers ← models, a plot package with
// an npm dependency, train beside models, a zoo family bound to tensor only, and an examples app.
const WORKSPACE: WorkspacePackage[] = [
  { dir: "tensor", name: "@nnc/tensor", exports: { ".": "./mod.ts" } },
  { dir: "autograd", name: "@nnc/autograd", exports: { ".": "./mod.ts" } },
  { dir: "layers", name: "@nnc/layers", exports: { ".": "./mod.ts" } },
  { dir: "plot", name: "@nnc/plot", exports: { ".": "./mod.ts" } },
  { dir: "datasets", name: "@nnc/datasets", exports: { ".": "./mod.ts" } },
  { dir: "train", name: "@nnc/train", exports: { ".": "./mod.ts" } },
  {
    dir: "models",
    name: "@nnc/models",
    exports: {
      ".": "./mod.ts",
      "./unsupervised": "./unsupervised/mod.ts",
      "./mlp": "./mlp/mod.ts",
    },
  },
];

const TABLE: LayerTable = {
  units: {
    tensor: { deps: [] },
    autograd: { deps: ["tensor"] },
    layers: { deps: ["tensor", "autograd"] },
    plot: { deps: ["tensor"], npm: ["fast-png"], testDeps: ["autograd"] },
    datasets: { deps: ["tensor"] },
    train: { deps: ["tensor", "autograd", "layers"], testDeps: ["datasets"] },
    models: { deps: ["tensor", "autograd", "layers"] },
    "models/unsupervised": { deps: ["tensor"] },
  },
  apps: ["examples", "bench"],
};

/** The files of a clean tree: every import follows TABLE. */
function cleanTree(): Map<string, string> {
  return new Map([
    ["tensor/mod.ts", 'export * from "./ndarray.ts";\n'],
    ["tensor/ndarray.ts", 'import { fmt } from "./_format.ts";\nexport const a = fmt;\n'],
    ["tensor/_format.ts", "export const fmt = 1;\n"],
    ["tensor/_testing.ts", 'import assert from "node:assert/strict";\nexport { assert };\n'],
    ["tensor/ndarray_test.ts", 'import { fmt } from "./_format.ts";\nimport "./_testing.ts";\n'],
    ["autograd/mod.ts", 'import { a } from "@nnc/tensor";\nexport const t = a;\n'],
    [
      "layers/mod.ts",
      'import { t } from "@nnc/autograd";\nimport type { a } from "@nnc/tensor";\n',
    ],
    ["plot/mod.ts", 'import { encode } from "npm:fast-png@8.0.0";\nimport "@nnc/tensor";\n'],
    ["plot/chart_test.ts", 'import { t } from "@nnc/autograd";\n'],
    ["datasets/mod.ts", 'import "@nnc/tensor";\n'],
    ["train/mod.ts", 'import "@nnc/layers";\n'],
    ["train/fit_test.ts", 'import "@nnc/datasets";\nimport "fast-check";\n'],
    ["models/mod.ts", 'export * from "./unsupervised/mod.ts";\nexport * from "./mlp/mod.ts";\n'],
    ["models/_common/validate.ts", 'import "@nnc/tensor";\n'],
    ["models/_common/activation.ts", 'import "@nnc/layers";\n'],
    ["models/mlp/mod.ts", 'import "../_common/activation.ts";\nimport "@nnc/layers";\n'],
    ["models/unsupervised/mod.ts", 'import "../_common/validate.ts";\nimport "@nnc/tensor";\n'],
    ["models/unsupervised/bench/k_bench.ts", 'import "../mod.ts";\nimport "@nnc/datasets";\n'],
    ["examples/_lib/report.ts", 'import "@nnc/plot";\n'],
    ["examples/mlp/demo.ts", 'import "../_lib/report.ts";\nimport "@nnc/models/mlp";\n'],
    ["bench/compare.ts", 'import "@nnc/train";\nimport "npm:vega@6";\n'],
  ]);
}

function check(
  changes: Record<string, string>,
  table: LayerTable = TABLE,
): Violation[] {
  const files = cleanTree();
  for (const [k, v] of Object.entries(changes)) files.set(k, v);
  return checkLayers(files, table, WORKSPACE);
}

/** `file:line: message` of each violation, for exact comparison. */
function lines(vs: Violation[]): string[] {
  return vs.map((v) => `${v.file}:${v.line}: ${v.message}`);
}

/** The clean tree with `changes` applied breaks exactly the `expected` rules. */
function expectOnly(changes: Record<string, string>, expected: string[], table = TABLE): void {
  assert.deepEqual(lines(check(changes, table)), expected);
}

Deno.test("the clean tree passes", () => {
  expectOnly({}, []);
});

Deno.test("a planted upward import fails, naming file, line and the allowed packages", () => {
  const v = check({
    "tensor/ndarray.ts": 'import { fmt } from "./_format.ts";\n\nimport "@nnc/autograd";\n',
  });
  assert.deepEqual(lines(v), [
    "tensor/ndarray.ts:3: tensor may import no @nnc package (tools/layers.json)",
  ]);
  assert.equal(v[0].specifier, "@nnc/autograd");
  expectOnly({
    "autograd/mod.ts": 'import "@nnc/tensor";\nimport { Linear } from "@nnc/layers";\n',
  }, ["autograd/mod.ts:2: autograd may import only @nnc/tensor (tools/layers.json)"]);
});

Deno.test("never into another package's private files, nor by any relative path", () => {
  expectOnly({ "layers/mod.ts": 'import { fmt } from "../tensor/_format.ts";\n' }, [
    "layers/mod.ts:1: a relative path into @nnc/tensor; import its public entry points (@nnc/tensor)",
  ]);
  expectOnly({ "layers/mod.ts": 'import "@nnc/models/_common/validate.ts";\n' }, [
    "layers/mod.ts:1: not a public entry point of @nnc/models (its exports: @nnc/models, " +
    "@nnc/models/unsupervised, @nnc/models/mlp)",
  ]);
  // Tests may import their own package's private files, not another's.
  expectOnly({ "plot/chart_test.ts": 'import "./mod.ts";\nimport "../tensor/_testing.ts";\n' }, [
    "plot/chart_test.ts:2: a relative path into @nnc/tensor; import its public entry points (@nnc/tensor)",
  ]);
});

Deno.test("zoo families bound to @nnc/tensor, directly and through shared files", () => {
  expectOnly({ "models/unsupervised/mod.ts": 'import "@nnc/tensor";\nimport "@nnc/autograd";\n' }, [
    "models/unsupervised/mod.ts:2: models/unsupervised may import only @nnc/tensor (tools/layers.json)",
  ]);
  expectOnly(
    { "models/unsupervised/mod.ts": 'import { act } from "../_common/activation.ts";\n' },
    [
      "models/unsupervised/mod.ts:1: reaches @nnc/layers (models/_common/activation.ts:1); " +
      "models/unsupervised may import only @nnc/tensor (tools/layers.json)",
    ],
  );
  expectOnly({ "models/unsupervised/mod.ts": 'import "../mlp/mod.ts";\n' }, [
    "models/unsupervised/mod.ts:1: reaches @nnc/layers (models/_common/activation.ts:1); " +
    "models/unsupervised may import only @nnc/tensor (tools/layers.json)",
  ]);
});

Deno.test("models never import train or plot; train never imports models", () => {
  expectOnly(
    { "models/mlp/mod.ts": 'import "@nnc/layers";\nimport { fit } from "@nnc/train";\n' },
    ["models/mlp/mod.ts:2: models may import only @nnc/tensor, @nnc/autograd, @nnc/layers (tools/layers.json)"],
  );
  expectOnly({ "train/mod.ts": 'import "@nnc/layers";\nimport "@nnc/models/mlp";\n' }, [
    "train/mod.ts:2: train may import only @nnc/tensor, @nnc/autograd, @nnc/layers (tools/layers.json)",
  ]);
  // testDeps are for tests only.
  expectOnly({ "train/mod.ts": 'import "@nnc/datasets";\n' }, [
    "train/mod.ts:1: train may import only @nnc/tensor, @nnc/autograd, @nnc/layers (tools/layers.json)",
  ]);
  expectOnly({ "plot/chart_test.ts": 'import "@nnc/layers";\n' }, [
    "plot/chart_test.ts:1: plot may import only @nnc/tensor (tests also @nnc/autograd) " +
    "(tools/layers.json)",
  ]);
  // A multi-process test (*_mpi.ts, run under mpirun) is a test: testDeps and any npm package.
  expectOnly(
    { "train/mpi/fit_mpi.ts": 'import "@nnc/datasets";\nimport "node:assert/strict";\n' },
    [],
  );
  expectOnly({ "train/mpi/fit_mpi.ts": 'import "@nnc/models";\n' }, [
    "train/mpi/fit_mpi.ts:1: train may import only @nnc/tensor, @nnc/autograd, @nnc/layers " +
    "(tests also @nnc/datasets) (tools/layers.json)",
  ]);
});

Deno.test("the library never imports examples/, bench/, tests or its own name", () => {
  expectOnly(
    { "layers/mod.ts": 'import "@nnc/autograd";\nimport "../examples/_lib/report.ts";\n' },
    [
      "layers/mod.ts:2: a relative path out of layers/: a package never imports examples/, bench/, " +
      "tools/ or another folder",
    ],
  );
  expectOnly(
    { "tensor/mod.ts": 'export * from "./ndarray.ts";\nexport * from "./_testing.ts";\n' },
    ["tensor/mod.ts:2: library code imports a test file; only tests and benchmarks may"],
  );
  expectOnly(
    { "models/mlp/mod.ts": 'import "@nnc/layers";\nimport "@nnc/models/unsupervised";\n' },
    ["models/mlp/mod.ts:2: a package imports its own files by relative path, not by its name @nnc/models"],
  );
});

Deno.test("apps import packages by public name only; npm packages only where listed", () => {
  expectOnly({ "examples/mlp/demo.ts": 'import "@nnc/plot";\nimport "../../plot/mod.ts";\n' }, [
    "examples/mlp/demo.ts:2: a relative path into @nnc/plot; import its public entry points (@nnc/plot)",
  ]);
  expectOnly({ "examples/mlp/demo.ts": 'import "../../bench/compare.ts";\n' }, [
    "examples/mlp/demo.ts:1: a relative path out of examples/: an app imports packages by name " +
    "and only its own folder's files",
  ]);
  expectOnly({ "datasets/mod.ts": 'import "@nnc/tensor";\nimport { encode } from "fast-png";\n' }, [
    "datasets/mod.ts:2: external package fast-png is not in datasets's npm list (tools/layers.json)",
  ]);
  expectOnly({ "web/app.ts": 'import "@nnc/plot";\n' }, [
    "web/app.ts:1: web/ is neither a workspace package nor an app folder of tools/layers.json",
  ]);
});

Deno.test("pending exceptions hide an import until it is fixed, then must be deleted", () => {
  const table: LayerTable = {
    ...TABLE,
    pending: [{ file: "examples/mlp/demo.ts", specifier: "../../plot/_svg.ts", reason: "moving" }],
  };
  expectOnly({ "examples/mlp/demo.ts": 'import "../../plot/_svg.ts";\n' }, [], table);
  expectOnly({}, [
    "examples/mlp/demo.ts:1: pending exception no longer needed: delete it from tools/layers.json",
  ], table);
});

Deno.test("the table itself: known units, no cycle, every package listed", () => {
  const table: LayerTable = {
    ...TABLE,
    units: { ...TABLE.units, tensor: { deps: ["autograd"] }, plot: { deps: ["tensr"] } },
  };
  // Only the table errors: the rest follows from the broken table.
  assert.deepEqual(lines(check({}, table)).filter((l) => l.startsWith("tools/layers.json")), [
    "tools/layers.json:1: plot lists unknown unit tensr",
    "tools/layers.json:1: the deps form a cycle: tensor → autograd → tensor",
  ]);
  const { datasets: _, ...rest } = TABLE.units;
  expectOnly({}, [
    "datasets/deno.json:1: package @nnc/datasets has no entry in tools/layers.json",
    "tools/layers.json:1: train lists unknown unit datasets",
  ], { ...TABLE, units: rest });
});

Deno.test("scanImports skips comments, strings, templates and regular expressions", () => {
  const src = [
    "/** ```ts",
    ' * import { x } from "@nnc/autograd";',
    " * ```",
    " */",
    'import type { A } from "./a.ts"; // import "b"',
    'const s = "import c from \\"d\\"";',
    "const t = `import ${'x'} from \"e\"`;",
    'const r = /import "f"/g, q = 4 / 2 / 1;',
    "export { y } from './y.ts';",
    'export * as z from "./z.ts";',
    "export const w = 1;",
    'const m = await import("npm:vega@6");',
    'type V = typeof import("npm:vega-lite@6");',
    "const meta = import.meta.url;",
    'import "./side.ts";',
  ].join("\n");
  assert.deepEqual(scanImports(src), [
    { specifier: "./a.ts", line: 5, typeOnly: true },
    { specifier: "./y.ts", line: 9, typeOnly: false },
    { specifier: "./z.ts", line: 10, typeOnly: false },
    { specifier: "npm:vega@6", line: 12, typeOnly: false },
    { specifier: "npm:vega-lite@6", line: 13, typeOnly: true },
    { specifier: "./side.ts", line: 15, typeOnly: false },
  ]);
});

Deno.test("the repository follows tools/layers.json", () => {
  assert.deepEqual(lines(checkRepository(ROOT)), []);
});
