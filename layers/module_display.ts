/**
 * The module tree as an HTML table, for Jupyter: {@link moduleTable} (and `Module`'s
 * `Symbol.for("Jupyter.display")` method, which Deno's kernel calls). Browser-safe.
 *
 * @module
 */
import { describe, fmtShape, type MimeBundle } from "@nnc/tensor";
import { type AnyModule, Module } from "./module.ts";
import { fmtCount } from "./_util.ts";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function checkModule(module: unknown, op: string): void {
  if (!(module instanceof Module)) {
    throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  }
}

const CELL = "padding:2px 8px;text-align:left;vertical-align:top;font-family:monospace";
const NUMBER = CELL.replace("text-align:left", "text-align:right");

/**
 * An HTML table of a module tree, one row per module (depth first, indented by depth): its dotted
 * name, class, settings, own parameters with their shapes, and the number of parameter elements in
 * its subtree; a footer gives the totals (trainable and frozen).
 *
 * @example
 * ```ts
 * import { Linear, moduleTable, ReLU, Sequential } from "@nnc/layers";
 * const html = moduleTable(new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1)));
 * console.assert(html.startsWith("<table") && html.includes("weight [8, 2]") && html.includes(">33<"));
 * ```
 */
export function moduleTable(module: AnyModule): string {
  checkModule(module, "moduleTable");
  const rows = module.namedModules().map(([name, m]) => {
    const depth = name === "" ? 0 : name.split(".").length;
    const own = m.namedParameters({ recurse: false })
      .map(([n, p]) => `${n} ${fmtShape(p.shape)}${p.requiresGrad ? "" : " (frozen)"}`);
    const count = m.numParameters();
    return `<tr><td style="${CELL};padding-left:${8 + 16 * depth}px">${
      escapeHtml(name === "" ? "(root)" : name)
    }</td><td style="${CELL}">${escapeHtml(m.constructor.name)}</td><td style="${CELL}">${
      escapeHtml(m.extraRepr())
    }</td><td style="${CELL}">${own.map(escapeHtml).join("<br>")}</td><td style="${NUMBER}">${
      count === 0 ? "" : fmtCount(count)
    }</td></tr>`;
  });
  const total = module.numParameters();
  const trainable = module.numParameters(true);
  const footer = `<tr><td style="${CELL}" colspan="4"><b>total</b>${
    trainable === total
      ? ""
      : ` (${fmtCount(trainable)} trainable, ${fmtCount(total - trainable)} frozen)`
  }</td><td style="${NUMBER}"><b>${fmtCount(total)}</b></td></tr>`;
  const head = ["module", "type", "settings", "parameters", "count"]
    .map((h) => `<th style="${h === "count" ? NUMBER : CELL}">${h}</th>`).join("");
  return `<table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${
    rows.join("")
  }${footer}</tbody></table>`;
}

/**
 * The Jupyter MIME bundle of a module: {@link moduleTable} as `text/html`, `toString()` as text.
 *
 * @example
 * ```ts
 * import { Linear, moduleDisplayData } from "@nnc/layers";
 * const bundle = moduleDisplayData(new Linear(3, 2));
 * console.assert(bundle["text/plain"].startsWith("Linear(") && bundle["text/html"].includes(">8<"));
 * ```
 */
export function moduleDisplayData(module: AnyModule): MimeBundle {
  checkModule(module, "moduleDisplayData");
  return { "text/plain": module.toString(), "text/html": moduleTable(module) };
}
