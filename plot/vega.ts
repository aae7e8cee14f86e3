/**
 * Rendering Vega-Lite specifications to SVG without a browser: {@link renderVegaLite} compiles
 * the spec with vega-lite and renders it with vega's headless `View.toSVG()`. Both libraries are
 * loaded on first use, so importing `@nnc/models` stays light.
 *
 * @module
 */
import { describe, writeFileAtomic } from "@nnc/tensor";
import { ensureParent } from "./_data.ts";
/**
 * A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html) as a plain object.
 *
 * @example
 * ```ts
 * import type { VegaLiteSpec } from "@nnc/plot";
 * const spec: VegaLiteSpec = {
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * };
 * ```
 */
export type VegaLiteSpec = Record<string, unknown>;

type VegaLite = typeof import("npm:vega-lite@6.4.3");
type Vega = typeof import("npm:vega@6.2.0");
let libs: Promise<[VegaLite, Vega]> | null = null;

function load(): Promise<[VegaLite, Vega]> {
  libs ??= Promise.all([import("npm:vega-lite@6.4.3"), import("npm:vega@6.2.0")]);
  return libs;
}

/**
 * Renders a Vega-Lite spec to an SVG document (white background unless the spec sets one).
 *
 * @example
 * ```ts
 * import { renderVegaLite } from "@nnc/plot";
 * const svg = await renderVegaLite({
 *   data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * console.assert(svg.startsWith("<svg") && svg.includes("mark-line"));
 * ```
 */
export async function renderVegaLite(spec: VegaLiteSpec): Promise<string> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`renderVegaLite: spec must be an object, got ${describe(spec)}`);
  }
  const [vl, vega] = await load();
  const full = { background: "white", ...spec };
  let compiled;
  try {
    // deno-lint-ignore no-explicit-any
    compiled = vl.compile(full as any).spec;
  } catch (e) {
    throw new TypeError(`renderVegaLite: invalid spec: ${(e as Error).message}`, { cause: e });
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes an SVG document to `path`, creating its folder. Needs `--allow-write`.
 *
 * @example
 * ```ts
 * import { saveSvg } from "@nnc/plot";
 * const dir = await Deno.makeTempDir();
 * await saveSvg(`${dir}/plots/a.svg`, "<svg xmlns='http://www.w3.org/2000/svg'/>");
 * console.assert((await Deno.readTextFile(`${dir}/plots/a.svg`)).startsWith("<svg"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveSvg(path: string, svg: string): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`saveSvg: path must be a non-empty string, got ${describe(path)}`);
  }
  if (typeof svg !== "string" || !svg.trimStart().startsWith("<svg")) {
    throw new TypeError(`saveSvg: expected an SVG document string, got ${describe(svg)}`);
  }
  await ensureParent(path);
  await writeFileAtomic(path, svg, { op: "saveSvg" });
}
