/**
 * `deno doc --lint` over the public API of every workspace package: all entry points of every
 * package's `exports` (subpaths included) in one run, the way JSR documents them. One run rather
 * than one per package, because a type one package takes from another (`Tensor` in `@nnc/optim`)
 * is public there, and a run over one package alone would report it as private (deno doc treats the
 * sibling package's files as local modules outside the documented set; on JSR they are `jsr:`
 * imports, which it does not flag: denoland/deno#27364, #34339). New packages and subpaths are
 * picked up from the root `deno.json` workspace and the packages' `exports`.
 *
 * Usage: `deno run --allow-read --allow-run tools/doc_lint.ts` (exits with `deno doc`'s status).
 *
 * @module
 */
import { readWorkspace } from "./check_layers.ts";

/**
 * Every exported entry point of the workspace at `root`, as paths relative to it.
 *
 * @example
 * ```ts
 * import { entryPoints } from "./doc_lint.ts";
 * const entries = entryPoints(new URL("..", import.meta.url).pathname);
 * console.log(entries.includes("tensor/mod.ts")); // true
 * ```
 */
export function entryPoints(root: string): string[] {
  return readWorkspace(root).flatMap((pkg) =>
    Object.values(pkg.exports).map((file) => `${pkg.dir}/${file.replace(/^\.\//, "")}`)
  );
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const entries = entryPoints(root);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...entries],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code === 0) console.log(`doc lint: ${entries.length} entry points, no errors`);
  Deno.exit(code);
}
