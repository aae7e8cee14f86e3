// The Python environment of the bench's PyPI peers (PyTorch 2.x, JAX): created by
// `deno task bench:setup` (bench/setup.ts) outside the repository, with the pinned versions of
// bench/requirements-peers.txt, and brought up to date there when that file changes. The runners
// only look for it: a peer whose environment is missing or stale is skipped with the reason.
// Debian's PyTorch 1.13 (/usr/bin/python3) needs none of this.

const REQUIREMENTS = new URL("./requirements-peers.txt", import.meta.url).pathname;

/**
 * Where the environment lives: NNC_BENCH_VENV, else $XDG_CACHE_HOME/nnc-bench/venv or ~/.cache/….
 * `env` reads a variable (the process's environment unless a test gives its own: tests run side by
 * side in one process and must not change its environment).
 */
export function peerVenvDir(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string {
  const explicit = env("NNC_BENCH_VENV");
  if (explicit) return explicit;
  const cache = env("XDG_CACHE_HOME") ?? `${env("HOME") ?? "/tmp"}/.cache`;
  return `${cache}/nnc-bench/venv`;
}

/** The environment's interpreter, or why there is none. */
export type PeerPython = { python: string; error?: undefined } | {
  python?: undefined;
  error: string;
};

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command with its output on our stderr (pip's progress must not mix with the tables). */
async function loud(cmd: string, args: string[]): Promise<boolean> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).spawn();
  await child.stdout.pipeTo(Deno.stderr.writable, { preventClose: true });
  return (await child.status).success;
}

/** The command that installs the peers (in every message that says one is missing). */
export const SETUP_COMMAND = "deno task bench:setup";

/**
 * The peers' Python if its environment exists with the pins of bench/requirements-peers.txt, or
 * why not. Never installs: that is {@linkcode ensurePeerVenv}'s job (`deno task bench:setup`).
 */
export function findPeerVenv(dir: string = peerVenvDir()): PeerPython {
  const python = `${dir}/bin/python`;
  const stamp = `${dir}/nnc-bench-requirements.txt`;
  if (!exists(python)) return { error: `not installed (no ${python}): run ${SETUP_COMMAND}` };
  const have = exists(stamp) ? Deno.readTextFileSync(stamp) : "";
  if (have !== Deno.readTextFileSync(REQUIREMENTS)) {
    return { error: `${dir} predates bench/requirements-peers.txt: run ${SETUP_COMMAND}` };
  }
  return { python };
}

/**
 * MKL's single dynamic library in the peers' environment (`lib/libmkl_rt.so.N`, from the `mkl`
 * wheel pinned in bench/requirements-peers.txt), or why there is none.
 */
export function peerMklLibrary(dir: string = peerVenvDir()): { path: string } | { error: string } {
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(`${dir}/lib`)].map((e) => e.name);
  } catch {
    // no lib folder: not installed
  }
  const version = (n: string) => Number(n.slice(n.lastIndexOf(".") + 1));
  const rt = names.filter((n) => /^libmkl_rt\.so\.\d+$/.test(n)).sort((a, b) =>
    version(a) - version(b)
  );
  return rt.length
    ? { path: `${dir}/lib/${rt[rt.length - 1]}` }
    : { error: `no libmkl_rt.so.N in ${dir}/lib: run ${SETUP_COMMAND}` };
}

/**
 * Returns the peers' Python, installing it first when it is missing or its pins changed. The base
 * interpreter is NNC_BENCH_PYTHON or `python3` (≥ 3.11, with the venv module).
 */
export async function ensurePeerVenv(): Promise<PeerPython> {
  const found = findPeerVenv();
  if (found.python) return found;
  const dir = peerVenvDir();
  const python = `${dir}/bin/python`;
  const stamp = `${dir}/nnc-bench-requirements.txt`;
  const wanted = Deno.readTextFileSync(REQUIREMENTS);
  const base = Deno.env.get("NNC_BENCH_PYTHON") ?? "python3";
  if (!exists(python)) {
    const pins = wanted.split("\n").filter((l) => l && !l.startsWith("#")).join(", ");
    console.error(`bench: installing ${pins} into ${dir} (first use; a few GB from PyPI)`);
    try {
      const ok = await new Deno.Command(base, {
        args: ["-c", "import sys, venv; sys.exit(sys.version_info < (3, 11))"],
      }).output();
      if (!ok.success) {
        return { error: `${base} is older than 3.11 or lacks the venv module (NNC_BENCH_PYTHON)` };
      }
    } catch (e) {
      return { error: `no ${base} to create the peer environment: ${(e as Error).message}` };
    }
    if (!await loud(base, ["-m", "venv", dir])) return { error: `${base} -m venv ${dir} failed` };
  } else {
    console.error(`bench: ${REQUIREMENTS} changed: updating ${dir}`);
  }
  const pip = ["-m", "pip", "install", "--disable-pip-version-check", "-r", REQUIREMENTS];
  if (!await loud(python, pip)) return { error: `pip install -r ${REQUIREMENTS} failed` };
  Deno.writeTextFileSync(stamp, wanted);
  return { python };
}
