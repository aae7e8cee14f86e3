// W6 k-means benchmark, nnc side: the 60,000 Fashion-MNIST training images as float32 in [0, 1],
// k = 10, initial centres = images 0, 6000, …, 54000, 20 Lloyd iterations (tol = 0), timed end to end
// (norms, GEMM distances, assignment, centre update, final relabelling and inertia).
//
//   deno run -A models/bench/kmeans_w6.ts                      # JS backend
//   NNC_BACKEND=native NNC_THREADS=2 deno run -A models/bench/kmeans_w6.ts
//   deno run -A models/bench/kmeans_w6.ts 5 --compare          # 5 rounds, alternating with kmeans_w6.py
//                                                              # (scikit-learn and PyTorch, default and
//                                                              # OPENBLAS_CORETYPE=SKYLAKEX)
//
// Prints one JSON line per run and, with --compare, a table of times and nnc's ratio to each.
import { getBackend, type NDArray } from "@nnc/tensor";
import { lloyd } from "../kmeans.ts";
import { fashionMnist } from "@nnc/datasets";

const K = 10, ITERS = 20;

interface Result {
  lib: string;
  seconds: number;
  all: number[];
  iterations: number;
  inertia: number;
  [key: string]: unknown;
}

async function maybeNative(): Promise<void> {
  if (Deno.env.get("NNC_BACKEND") !== "native") return;
  try {
    const specifier = "@nnc/native"; // not a literal: the native package is optional
    await import(specifier);
  } catch (e) {
    console.error(
      `kmeans_w6: NNC_BACKEND=native but @nnc/native did not load (${
        (e as Error).message
      }); using ${getBackend().name}`,
    );
  }
}

let data: Promise<{ images: NDArray }> | null = null;

async function runNnc(repeat: number): Promise<Result> {
  await maybeNative();
  data ??= fashionMnist({ split: "train", flat: true });
  const { images } = await data;
  const d = images.shape[1];
  const init = new Float32Array(K * d);
  for (let j = 0; j < K; j++) {
    init.set(images.data.subarray(j * 6000 * d, (j * 6000 + 1) * d), j * d);
  }
  const initRows = Array.from(
    { length: K },
    (_, j) => Array.from(init.subarray(j * d, (j + 1) * d)),
  );
  const times: number[] = [];
  let last: ReturnType<typeof lloyd> | null = null;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    last = lloyd(images, initRows, { maxIter: ITERS, tol: 0 });
    times.push((performance.now() - t0) / 1000);
  }
  return {
    lib: `nnc-${getBackend().name}`,
    seconds: Math.min(...times),
    all: times.map((t) => Math.round(t * 1e4) / 1e4),
    iterations: last!.nIter,
    inertia: last!.inertia,
  };
}

async function runPython(
  lib: string,
  env: Record<string, string>,
  repeat: number,
): Promise<Result | null> {
  const script = new URL("./kmeans_w6.py", import.meta.url).pathname;
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [script, lib, String(repeat)],
      env: { OMP_NUM_THREADS: "2", NNC_THREADS: "2", ...env },
      stderr: "inherit",
    }).output();
    if (!out.success) return null;
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!) as Result;
    r.lib = `${r.lib}${
      env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${env.OPENBLAS_CORETYPE})` : ""
    }${env.OMP_WAIT_POLICY ? ` (OMP_WAIT_POLICY=${env.OMP_WAIT_POLICY})` : ""}`;
    return r;
  } catch (e) {
    console.error(`kmeans_w6: could not run ${lib} (${(e as Error).message})`);
    return null;
  }
}

if (import.meta.main) {
  // Runs alternate between libraries (round-robin) so that load from other processes hits all alike;
  // each library's best time is reported.
  const rounds = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 3);
  const compare = Deno.args.includes("--compare");
  const others: [string, Record<string, string>][] = compare
    ? [
      ["sklearn", {}],
      ["sklearn", { OPENBLAS_CORETYPE: "SKYLAKEX" }],
      ["torch", { OMP_WAIT_POLICY: "PASSIVE" }],
      ["torch", { OMP_WAIT_POLICY: "PASSIVE", OPENBLAS_CORETYPE: "SKYLAKEX" }],
    ]
    : [];
  const best = new Map<string, Result>();
  const keep = (r: Result) => {
    const b = best.get(r.lib);
    if (!b) best.set(r.lib, r);
    else {
      b.all.push(...r.all);
      if (r.seconds < b.seconds) b.seconds = r.seconds;
    }
    console.log(JSON.stringify(r));
  };
  for (let round = 0; round < rounds; round++) {
    keep(await runNnc(1));
    for (const [lib, env] of others) {
      const r = await runPython(lib, env, 1);
      if (r) keep(r);
    }
  }
  const nnc = [...best.values()][0];
  console.log(
    `\nW6: 60000x784 float32, k=10, 20 Lloyd iterations, 2 threads; best of ${rounds} alternating rounds`,
  );
  console.log(`${"library".padEnd(60)} ${"seconds".padStart(8)}  nnc/lib`);
  for (const r of best.values()) {
    console.log(
      `${r.lib.padEnd(60)} ${r.seconds.toFixed(3).padStart(8)}  ${
        (nnc.seconds / r.seconds).toFixed(2)
      }x`,
    );
  }
}
