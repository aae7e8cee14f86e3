/**
 * The layering check of `deno task test`: scans the imports of every TypeScript file in the
 * repository (library, tests, benchmarks, examples, tools) and fails, naming file and line, on any
 * import the dependency table `tools/layers.json` does not allow.
 *
 * What it enforces, per file kind:
 * - library code of a package (a unit of the table) imports other packages only through their
 *   public entry points (`@nnc/x`, `@nnc/x/<subpath>` as listed in the package's `exports`), and
 *   only those in its `deps`; its own package by relative path (never its own name), but no test,
 *   bench or fixture file; no relative path that leaves the package (so never another package's
 *   `_` files, never `examples/` or `bench/`); external (npm) packages only as listed in `npm`.
 *   A zoo family with its own rule (`models/unsupervised`: `@nnc/tensor` only) is checked through
 *   the shared files of its package too: an import of `../_common/x.ts` is an error when `x.ts`
 *   reaches a package the family may not use.
 * - tests and benchmarks inside a package (`*_test.ts`, `*_testing.ts`, `*_mpi.ts`, `*_bench.ts`,
 *   `fixtures/`, `bench/`) may import any file of their own package, private ones included; other packages
 *   through public entry points: tests those of `deps` and `testDeps`, benchmarks any.
 * - apps (`examples/`, `bench/`, `tools/`, `web/`) import packages through their public entry
 *   points only, and relative paths only inside their own folder.
 *
 * Usage: `deno run --allow-read tools/check_layers.ts` (prints the violations, exits 1 if any).
 *
 * @module
 */
import { scanImports } from "./import_scan.ts";

/** What the library code of one unit (a package, or a zoo family) may import. */
export interface UnitRule {
  /** Other @nnc packages (by folder name, or `models/<family>`) the library code may import. */
  deps: string[];
  /** Packages only its tests may import as well. */
  testDeps?: string[];
  /** External (npm) packages, by name, its library code may import. */
  npm?: string[];
  /** Why the rule is what it is. */
  why?: string;
}

/** An import that breaks the table today and is being removed by open work. */
export interface PendingImport {
  file: string;
  specifier: string;
  reason: string;
}

/** The table of `tools/layers.json`. */
export interface LayerTable {
  units: Record<string, UnitRule>;
  /** Top-level folders of applications: examples, benchmarks, tools, web pages. */
  apps: string[];
  pending?: PendingImport[];
}

/** One workspace package: its folder, JSR name and `exports` (subpath → file). */
export interface WorkspacePackage {
  dir: string;
  name: string;
  exports: Record<string, string>;
}

/** A broken rule, at a file and line. */
export interface Violation {
  file: string;
  line: number;
  specifier: string;
  message: string;
}

type Role = "lib" | "test" | "bench" | "app";

interface Place {
  role: Role;
  /** Top-level folder: a package's or an app's. */
  top: string;
  /** The table unit binding the file (packages only). */
  unit: string | null;
}

/** Folders whose files the scan never reads. */
const SKIP_DIRS = new Set(["out", "node_modules", "native/build", "vendor"]);

/**
 * Checks `files` (repository-relative path → source) against `table` for the packages of
 * `workspace`; returns every violation, sorted by file and line.
 *
 * @example
 * ```ts
 * import { checkLayers } from "./check_layers.ts";
 * const v = checkLayers(
 *   new Map([["tensor/a.ts", 'import { Tensor } from "@nnc/autograd";\n']]),
 *   { units: { tensor: { deps: [] }, autograd: { deps: ["tensor"] } }, apps: [] },
 *   [
 *     { dir: "tensor", name: "@nnc/tensor", exports: { ".": "./mod.ts" } },
 *     { dir: "autograd", name: "@nnc/autograd", exports: { ".": "./mod.ts" } },
 *   ],
 * );
 * console.log(v[0].message); // tensor may import no @nnc package (tools/layers.json)
 * ```
 */
export function checkLayers(
  files: ReadonlyMap<string, string>,
  table: LayerTable,
  workspace: readonly WorkspacePackage[],
): Violation[] {
  const out: Violation[] = [];
  const byDir = new Map(workspace.map((p) => [p.dir, p]));
  const byName = new Map(workspace.map((p) => [p.name, p]));
  for (const p of workspace) {
    if (!table.units[p.dir]) {
      out.push({
        file: `${p.dir}/deno.json`,
        line: 1,
        specifier: p.name,
        message: `package ${p.name} has no entry in tools/layers.json`,
      });
    }
  }
  out.push(...checkTable(table));
  const imports = new Map<string, ReturnType<typeof scanImports>>();
  for (const [file, source] of files) imports.set(file, scanImports(source));
  const pending = new Set((table.pending ?? []).map((p) => `${p.file}\0${p.specifier}`));
  const seenPending = new Set<string>();
  const reach = reachFinder(files, imports, byName, table);

  const unknownTops = new Set<string>();
  for (const [file, refs] of imports) {
    const place = placeOf(file, byDir, table);
    if (place === null) {
      if (unknownTops.has(topOf(file))) continue; // one report per folder
      unknownTops.add(topOf(file));
      out.push({
        file,
        line: 1,
        specifier: "",
        message: `${topOf(file)}/ is neither a workspace package nor an app folder of ` +
          `tools/layers.json`,
      });
      continue;
    }
    if (place.unit !== null && !table.units[place.unit]) continue; // reported once, above
    for (const ref of refs) {
      const message = judge(file, place, ref.specifier, byDir, byName, table, reach);
      if (message === null) continue;
      const key = `${file}\0${ref.specifier}`;
      if (pending.has(key)) {
        seenPending.add(key);
        continue;
      }
      out.push({ file, line: ref.line, specifier: ref.specifier, message });
    }
  }
  for (const p of table.pending ?? []) {
    if (!seenPending.has(`${p.file}\0${p.specifier}`)) {
      out.push({
        file: p.file,
        line: 1,
        specifier: p.specifier,
        message: "pending exception no longer needed: delete it from tools/layers.json",
      });
    }
  }
  return out.sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
}

/** The deps of the table must name known units and form a DAG. */
function checkTable(table: LayerTable): Violation[] {
  const out: Violation[] = [];
  const fail = (message: string) =>
    out.push({ file: "tools/layers.json", line: 1, specifier: "", message });
  for (const [unit, rule] of Object.entries(table.units)) {
    for (const d of [...rule.deps, ...(rule.testDeps ?? [])]) {
      if (!table.units[d]) fail(`${unit} lists unknown unit ${d}`);
    }
  }
  const state = new Map<string, "open" | "done">();
  const visit = (unit: string, path: string[]): void => {
    if (state.get(unit) === "done") return;
    if (state.get(unit) === "open") {
      fail(`the deps form a cycle: ${[...path, unit].join(" → ")}`);
      return;
    }
    state.set(unit, "open");
    for (const d of table.units[unit]?.deps ?? []) visit(d, [...path, unit]);
    state.set(unit, "done");
  };
  for (const unit of Object.keys(table.units)) visit(unit, []);
  return out;
}

function topOf(file: string): string {
  return file.split("/")[0];
}

function roleOf(file: string): Exclude<Role, "app"> {
  const parts = file.split("/");
  const base = parts[parts.length - 1];
  if (/_test\.[jt]sx?$/.test(base) || /_testing\.[jt]sx?$/.test(base)) return "test";
  // Multi-process tests that tools/test_mpi.ts runs under mpirun (not picked up by `deno test`).
  if (/_mpi\.[jt]sx?$/.test(base)) return "test";
  if (parts.includes("fixtures")) return "test";
  if (/_bench\.[jt]sx?$/.test(base) || parts.slice(0, -1).includes("bench")) return "bench";
  return "lib";
}

function placeOf(
  file: string,
  byDir: ReadonlyMap<string, WorkspacePackage>,
  table: LayerTable,
): Place | null {
  const top = topOf(file);
  if (byDir.has(top)) {
    // The longest unit of the table whose folder holds the file.
    let unit = top;
    for (const u of Object.keys(table.units)) {
      if (file.startsWith(`${u}/`) && u.length > unit.length) unit = u;
    }
    return { role: roleOf(file), top, unit };
  }
  if (table.apps.includes(top)) return { role: "app", top, unit: null };
  return null;
}

/** `a/b/../c.ts` → `a/c.ts`, relative to the importing file's folder; null if it leaves the repo. */
function resolveRelative(from: string, specifier: string): string | null {
  const parts = from.split("/").slice(0, -1);
  for (const seg of specifier.split("/")) {
    if (seg === "." || seg === "") continue;
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

/** `npm:vega-lite@6.4.3/build` → `vega-lite`; `fast-png` → `fast-png`; `node:fs` → `node:fs`. */
function externalName(specifier: string): string {
  const s = specifier.replace(/^npm:/, "").replace(/^jsr:/, "");
  if (s.startsWith("node:")) return s;
  const parts = s.split("/");
  const name = s.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : parts[0];
  return name.replace(/(.)@.*$/, "$1");
}

/** `@nnc/models, @nnc/models/unsupervised, …`: how a package may be imported. */
function entryPoints(pkg: WorkspacePackage): string {
  return Object.keys(pkg.exports).map((s) => s === "." ? pkg.name : `${pkg.name}${s.slice(1)}`)
    .join(", ");
}

/** The table unit a public entry point of a package belongs to (`@nnc/models/unsupervised`). */
function entryUnit(pkg: WorkspacePackage, subpath: string, table: LayerTable): string {
  const target = pkg.exports[subpath].replace(/^\.\//, "");
  let unit = pkg.dir;
  for (const u of Object.keys(table.units)) {
    if (`${pkg.dir}/${target}`.startsWith(`${u}/`) && u.length > unit.length) unit = u;
  }
  return unit;
}

function allowedText(rule: UnitRule, unit: string): string {
  return rule.deps.length === 0
    ? `${unit} may import no @nnc package`
    : `${unit} may import only ${rule.deps.map((d) => `@nnc/${d}`).join(", ")}`;
}

/** The package (by folder) an allowed-deps entry stands for: `models/unsupervised` → `models`. */
function depAllows(deps: readonly string[], unit: string): boolean {
  return deps.some((d) => d === unit || unit.startsWith(`${d}/`));
}

type ReachFinder = (file: string) => Map<string, string>;

/**
 * For a library file: every @nnc package or npm package (`npm:name`) it reaches through its own
 * package's files, each with the first `file:line` that imports it.
 */
function reachFinder(
  files: ReadonlyMap<string, string>,
  imports: ReadonlyMap<string, ReturnType<typeof scanImports>>,
  byName: ReadonlyMap<string, WorkspacePackage>,
  table: LayerTable,
): ReachFinder {
  const memo = new Map<string, Map<string, string>>();
  const find = (file: string): Map<string, string> => {
    const known = memo.get(file);
    if (known) return known;
    const found = new Map<string, string>();
    memo.set(file, found); // cycles end here, with what is found so far
    for (const ref of imports.get(file) ?? []) {
      const at = `${file}:${ref.line}`;
      const spec = ref.specifier;
      if (spec.startsWith(".")) {
        const target = resolveRelative(file, spec);
        if (target === null || !files.has(target) || topOf(target) !== topOf(file)) continue;
        for (const [k, v] of find(target)) if (!found.has(k)) found.set(k, v);
      } else if (spec.startsWith("@nnc/")) {
        const [pkg, subpath] = splitNnc(spec, byName);
        if (pkg === null || subpath === null) continue;
        const unit = entryUnit(pkg, subpath, table);
        if (!found.has(unit)) found.set(unit, at);
      } else if (!spec.startsWith("file:") && !/^https?:/.test(spec)) {
        const name = `npm:${externalName(spec)}`;
        if (!found.has(name)) found.set(name, at);
      }
    }
    return found;
  };
  return find;
}

/** `@nnc/models/unsupervised` → the models package and `./unsupervised` (null when unknown). */
function splitNnc(
  specifier: string,
  byName: ReadonlyMap<string, WorkspacePackage>,
): [WorkspacePackage | null, string | null] {
  const parts = specifier.split("/");
  const pkg = byName.get(`${parts[0]}/${parts[1]}`) ?? null;
  if (pkg === null) return [null, null];
  const subpath = parts.length > 2 ? `./${parts.slice(2).join("/")}` : ".";
  return [pkg, subpath in pkg.exports ? subpath : null];
}

/** Why `file` may not import `specifier`, or null when it may. */
function judge(
  file: string,
  place: Place,
  specifier: string,
  byDir: ReadonlyMap<string, WorkspacePackage>,
  byName: ReadonlyMap<string, WorkspacePackage>,
  table: LayerTable,
  reach: ReachFinder,
): string | null {
  const rule = place.unit === null ? null : table.units[place.unit] ?? { deps: [] };
  const unitName = place.unit ?? place.top;

  if (specifier.startsWith(".")) {
    const target = resolveRelative(file, specifier);
    const targetTop = target === null ? null : topOf(target);
    if (targetTop !== place.top) {
      const pkg = targetTop === null ? undefined : byDir.get(targetTop);
      if (pkg) {
        return `a relative path into ${pkg.name}; import its public entry points (${
          entryPoints(pkg)
        })`;
      }
      return `a relative path out of ${place.top}/: ` +
        (place.role === "app"
          ? "an app imports packages by name and only its own folder's files"
          : "a package never imports examples/, bench/, tools/ or another folder");
    }
    if (place.role !== "lib") return null; // tests, benchmarks, apps: anything of their own folder
    const targetRole = roleOf(target!);
    if (targetRole !== "lib") {
      return `library code imports a ${targetRole} file; only tests and benchmarks may`;
    }
    const targetPlace = placeOf(target!, byDir, table);
    if (targetPlace !== null && targetPlace.unit !== place.unit) {
      // Another unit of the same package: what it reaches must be allowed here too.
      for (const [dep, at] of reach(target!)) {
        if (dep === place.top) continue;
        if (dep.startsWith("npm:")) {
          if (!(rule!.npm ?? []).includes(dep.slice(4))) {
            return `reaches npm package ${dep.slice(4)} (${at}), which ${unitName} may not use`;
          }
        } else if (!depAllows(rule!.deps, dep) && dep !== place.unit) {
          return `reaches @nnc/${dep} (${at}); ${allowedText(rule!, unitName)} (tools/layers.json)`;
        }
      }
    }
    return null;
  }

  if (specifier.startsWith("@nnc/")) {
    const [pkg, subpath] = splitNnc(specifier, byName);
    if (pkg === null) {
      return `no workspace package is named ${specifier.split("/").slice(0, 2).join("/")}`;
    }
    if (subpath === null) {
      return `not a public entry point of ${pkg.name} (its exports: ${entryPoints(pkg)})`;
    }
    if (place.role === "app" || place.role === "bench") return null;
    const target = entryUnit(pkg, subpath, table);
    if (pkg.dir === place.top) {
      return place.role === "lib"
        ? `a package imports its own files by relative path, not by its name ${pkg.name}`
        : null;
    }
    const allowed = place.role === "test" ? [...rule!.deps, ...(rule!.testDeps ?? [])] : rule!.deps;
    if (depAllows(allowed, target)) return null;
    return `${allowedText(rule!, unitName)}${
      place.role === "test" && rule!.testDeps?.length
        ? ` (tests also ${rule!.testDeps.map((d) => `@nnc/${d}`).join(", ")})`
        : ""
    } (tools/layers.json)`;
  }

  if (specifier.startsWith("file:") || /^https?:/.test(specifier)) {
    return "an absolute URL import; use @nnc/x, a relative path or an npm: specifier";
  }
  if (place.role !== "lib") return null;
  const name = externalName(specifier);
  if ((rule!.npm ?? []).includes(name)) return null;
  return `external package ${name} is not in ${unitName}'s npm list (tools/layers.json)`;
}

/** Every `.ts`/`.tsx`/`.js`/`.mjs` file under `root` (repository-relative paths). */
export function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel === "" ? root : `${root}/${rel}`)) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.name.startsWith(".") || SKIP_DIRS.has(path) || SKIP_DIRS.has(e.name)) continue;
      if (e.isDirectory) walk(path);
      else if (e.isFile && /\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(path);
    }
  };
  walk("");
  return out.sort();
}

/** The packages of the root `deno.json` workspace, with their names and exports. */
export function readWorkspace(root: string): WorkspacePackage[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  return (config.workspace as string[]).map((member) => {
    const dir = member.replace(/^\.\//, "").replace(/\/$/, "");
    const own = JSON.parse(Deno.readTextFileSync(`${root}/${dir}/deno.json`));
    const exports = typeof own.exports === "string" ? { ".": own.exports } : own.exports ?? {};
    return { dir, name: own.name, exports };
  });
}

/**
 * Runs the check over the repository at `root`; returns the violations.
 *
 * @example
 * ```ts
 * import { checkRepository } from "./check_layers.ts";
 * console.log(checkRepository(new URL("..", import.meta.url).pathname).length); // 0
 * ```
 */
export function checkRepository(root: string): Violation[] {
  const files = new Map<string, string>();
  for (const f of listSources(root)) files.set(f, Deno.readTextFileSync(`${root}/${f}`));
  const table = JSON.parse(Deno.readTextFileSync(`${root}/tools/layers.json`)) as LayerTable;
  return checkLayers(files, table, readWorkspace(root));
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const violations = checkRepository(root);
  for (const v of violations) {
    console.error(`${v.file}:${v.line}: ${v.specifier ? `"${v.specifier}": ` : ""}${v.message}`);
  }
  if (violations.length > 0) {
    console.error(`layering check: ${violations.length} import(s) break tools/layers.json`);
    Deno.exit(1);
  }
  console.log("layering check: every import follows tools/layers.json");
}
