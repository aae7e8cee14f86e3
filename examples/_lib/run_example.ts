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
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: options.env,
    stdout: mode,
    stderr: mode,
  }).output();
  const seconds = (performance.now() - start) / 1000;
  // an inherited stream has no captured bytes: its getter throws, so it is not read
  if (options.inherit) {
    return {
      code: output.code,
      seconds,
      stdout: "",
      stderr: output.code === 0 ? "" : "see the output above",
    };
  }
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, seconds, stdout: text(output.stdout), stderr: text(output.stderr) };
}
