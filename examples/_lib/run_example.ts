// Running one example script the way the examples runner and the gallery do: `deno run -A
// examples/<script> [--quick] --out-root <root>` from the repository root, on the backend NNC_BACKEND
// names (the examples pick the native one themselves when it loads).

/** How one run went. */
export interface ExampleRun {
  /** Exit code. */
  code: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** Captured output (empty when inherited). */
  stdout: string;
  stderr: string;
}

/** Runs `examples/<script>` to completion. */
export async function runExample(
  script: string,
  options: { quick: boolean; outRoot: string; env?: Record<string, string>; inherit?: boolean },
): Promise<ExampleRun> {
  const root = new URL("../../", import.meta.url).pathname;
  const path = new URL(`../${script}`, import.meta.url).pathname;
  const args = [
    "run",
    "-A",
    path,
    ...(options.quick ? ["--quick"] : []),
    "--out-root",
    options.outRoot,
  ];
  const mode = options.inherit ? "inherit" : "piped";
  const start = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: options.env,
    stdout: mode,
    stderr: mode,
  }).output();
  const text = (b: Uint8Array) => (options.inherit ? "" : new TextDecoder().decode(b));
  return {
    code,
    seconds: (performance.now() - start) / 1000,
    stdout: text(stdout),
    stderr: options.inherit ? (code === 0 ? "" : "see the output above") : text(stderr),
  };
}
