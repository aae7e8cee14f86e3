import assert from "node:assert/strict";
import {
  javascriptTable,
  markdownTable,
  Measurements,
  median,
  memoryTable,
  mklTables,
  rooflineTables,
  type RunContext,
  throughputTables,
} from "./_report.ts";
import type { KernelSetting, Peer } from "./_peers.ts";

function peer(id: string, column: string, perSetting: boolean): Peer {
  return {
    id,
    column,
    perSetting,
    workloads: null,
    cannot: {},
    version: id,
    unavailable: null,
    command: () => [],
    env: () => ({}),
  };
}

const setting: KernelSetting = {
  id: "unset",
  label: "OPENBLAS_CORETYPE unset",
  set: {},
  unset: [],
  kernel: "Zen",
  config: "OpenBLAS",
};

/** nnc and PyTorch 1.13 on the kernel setting, PyTorch 2.x and TF.js once, at one thread. */
function context(): RunContext {
  const m = new Measurements();
  const put = (w: string, p: string, s: string, rates: number[], peak = 0, base = 0) => {
    const c = m.cell(w, 1, p, s);
    c.rates.push(...rates);
    c.peaks.push(peak);
    c.bases.push(base);
  };
  put("W1-1024", "nnc", "unset", [100, 90, 110], 80, 50);
  put("W1-1024", "torch1.13", "unset", [120], 240, 230);
  put("W1-1024", "torch2", "", [150], 540, 500);
  put("W2", "nnc", "unset", [20_000], 100, 50);
  m.cell("W2", 1, "nnc", "unset").roofs.push(80, 75, 90); // probed alongside: median 80
  put("W2", "torch1.13", "unset", [10_000], 300, 230);
  put("W2", "torch2", "", [40_000], 600, 500);
  put("W2", "tfjs-cpu", "", [500], 130, 80);
  put("W7", "nnc", "unset", [2]);
  put("W7", "torch1.13", "unset", [4]);
  return {
    workloads: ["W1-1024", "W2", "W7"],
    threads: [1],
    settings: [setting],
    peers: [
      peer("nnc", "nnc", true),
      peer("torch1.13", "torch 1.13", true),
      peer("torch2", "torch 2.x", false),
      peer("tfjs-cpu", "TF.js cpu", false),
    ],
    units: { "W1-1024": "GFLOP/s", "W2": "samples/s", "W7": "µs/op" },
    m,
  };
}

const row = (table: string, first: string) =>
  table.split("\n").find((l) => l.startsWith(`| ${first} `))!.split("|").slice(1, -1).map((c) =>
    c.trim()
  );

Deno.test("median of odd and even counts; NaN for none", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("markdownTable pads every column to its widest cell", () => {
  assert.equal(
    markdownTable(["a", "bb"], [["ccc", "d"]]),
    "| a   | bb  |\n| --- | --- |\n| ccc | d   |",
  );
});

Deno.test("throughput ratios: above 1× when nnc is faster, time units inverted", () => {
  const t = throughputTables(context());
  // workload, threads, unit, nnc, torch 1.13, torch 2.x, nnc/1.13, nnc/2.x, nnc/faster torch
  assert.deepEqual(row(t, "W2"), [
    "W2",
    "1",
    "samples/s",
    "20000",
    "10000",
    "40000",
    "2.00×",
    "0.50×",
    "0.50×",
  ]);
  // 2 µs/op against 4 µs/op: nnc twice as fast.
  assert.equal(row(t, "W7")[6], "2.00×");
});

Deno.test("roofline: 3 × forward FLOPs × samples/s over the faster sgemm on the same kernel", () => {
  const t = rooflineTables(context());
  // Roofline = max(nnc 100, torch 1.13 120) = 120 GFLOP/s; nnc W2 = 3.21 MFLOP × 20,000/s = 64.2.
  const r = row(t, "W2");
  assert.equal(r[3], "120.0");
  assert.equal(r[4], "64.20");
  assert.equal(r[5], "54%");
  // PyTorch 1.13: 32.1 GFLOP/s = 27 %; PyTorch 2.x against the same roofline: 128.4 = 107 %;
  // then the sgemm nnc's worker probed right after W2 (median 80) and 64.2 / 80 = 80 %.
  assert.deepEqual(r.slice(6), ["27%", "107%", "80.00", "80%"]);
});

Deno.test("memory: peak with its growth over start-up, PyTorch's peak over nnc's", () => {
  const r = row(memoryTable(context()), "W2");
  assert.deepEqual(r, [
    "W2",
    "1",
    "100 (+50)",
    "300 (+70)",
    "600 (+100)",
    "130 (+50)",
    "3.00×",
    "6.00×",
  ]);
});

Deno.test("the JavaScript table compares nnc with the best TF.js backend", () => {
  const r = row(javascriptTable(context()), "W2");
  assert.deepEqual(r, ["W2", "1", "samples/s", "20000", "500.0", "40.00×"]);
});

Deno.test("MKL table: nnc on MKL against PyTorch 2.x and nnc on OpenBLAS, under MKL's roofline", () => {
  const ctx = context();
  assert.equal(mklTables(ctx), "", "no table without the MKL peer");
  ctx.peers.push(peer("nnc-mkl", "nnc (MKL)", true));
  ctx.m.cell("W1-1024", 1, "nnc-mkl", "unset").rates.push(160);
  ctx.m.cell("W2", 1, "nnc-mkl", "unset").rates.push(48_000);
  ctx.m.cell("W7", 1, "nnc-mkl", "unset").rates.push(1);
  const t = mklTables(ctx);
  // nnc (MKL), torch 2.x, nnc (OpenBLAS), the two ratios, the roof = max(160, 150), then
  // 3.21 MFLOP × 48,000/s = 154.08 GFLOP/s = 96 % of it, PyTorch 2.x's 128.4 = 80 %.
  assert.deepEqual(row(t, "W2"), [
    "W2",
    "1",
    "samples/s",
    "48000",
    "40000",
    "20000",
    "1.20×",
    "2.40×",
    "160.0",
    "96%",
    "80%",
  ]);
  // µs/op: 1 against nnc's 2 is twice as fast; no PyTorch 2.x figure and no FLOPs: dashes.
  assert.deepEqual(row(t, "W7").slice(6), ["—", "2.00×", "—", "—", "—"]);
});
