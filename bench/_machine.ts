// What machine a benchmark ran on, for the header of bench/RESULTS.md and the runners' first lines.

/** Facts about this machine and this checkout. */
export interface Machine {
  cpu: string;
  /** `family F model M` from /proc/cpuinfo, and its widest SIMD. */
  cpuId: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  deno: string;
  /** The nnc commit measured (`+changes` when the work tree differs from it). */
  commit: string;
  /** Load average over the last minute when asked. */
  load: number | null;
}

function read(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Load average over the last minute, or null without /proc. */
export function loadAverage(): number | null {
  const text = read("/proc/loadavg");
  return text ? Number(text.split(" ")[0]) : null;
}

function git(args: string[]): string {
  try {
    const out = new Deno.Command("git", {
      args,
      cwd: new URL(".", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
  } catch {
    return "";
  }
}

/** Describes this machine (Linux facts from /proc; blanks elsewhere). */
export function describeMachine(): Machine {
  const cpuinfo = read("/proc/cpuinfo");
  const field = (name: string) =>
    cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1] ?? "";
  const flags = ` ${field("flags")} `;
  const simd = flags.includes(" avx512f ")
    ? "AVX-512"
    : flags.includes(" avx2 ")
    ? "AVX2"
    : flags.includes(" avx ")
    ? "AVX"
    : "SSE";
  const os = read("/etc/os-release").match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? Deno.build.os;
  const commit = git(["rev-parse", "--short=12", "HEAD"]);
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  return {
    cpu: field("model name") || Deno.build.arch,
    cpuId: `family ${field("cpu family")} model ${field("model")}, ${simd}`,
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    kernel: Deno.osRelease(),
    os,
    deno: `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
    commit: commit ? `${commit}${dirty ? "+changes" : ""}` : "unknown",
    load: loadAverage(),
  };
}
