// Runs _rank_worker.ts as an MPI job (or as one plain process) for the *_mpi.ts tests, with a
// bound on the time: a job still running after `timeoutMs` is killed and reported as hung.
import { mpirunCommand } from "../mod.ts";

/** What a job did. */
export interface JobResult {
  code: number;
  stdout: string;
  stderr: string;
  hung: boolean;
}

const WORKER = new URL("./_rank_worker.ts", import.meta.url).pathname;

async function run(cmd: string[], timeoutMs: number): Promise<JobResult> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), hung };
}

/** `mpirun -np <np>` of the worker with `args`, one thread per rank. */
export function runJob(np: number, args: string[], timeoutMs = 120_000): Promise<JobResult> {
  return run(mpirunCommand({ np, threadsPerRank: 1 }, WORKER, args), timeoutMs);
}

/** The worker as one plain process (a job of one, without MPI). */
export function runAlone(args: string[], timeoutMs = 120_000): Promise<JobResult> {
  return run([Deno.execPath(), "run", "-A", WORKER, ...args], timeoutMs);
}

/** The job's output, for assertion messages. */
export function log(r: JobResult): string {
  return `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
