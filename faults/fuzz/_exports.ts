// The public API the fuzzer must cover: every function and class exported by every package's
// entry point (and the functions of exported namespaces such as `linalg` and `init`), as
// "package:name" keys. Constants, types and re-exports seen under another key are not listed.

/** Package entry points, relative to the repository root; `models` is covered by its families. */
export const PACKAGES: readonly string[] = [
  "tensor",
  "native",
  "autograd",
  "layers",
  "optim",
  "datasets",
  "plot",
  "train",
  "models/unsupervised",
  "models/neurons",
  "models/mlp",
  "models/cnn",
  "models/classical",
  "models/gnn",
  "models/rnn",
  "models/transformer",
  "distributed",
  "onnx",
  "models/robustness",
  "models/insight",
  "models/generative",
];

/** Whether a value is a class (not a plain function). */
export function isClass(v: unknown): boolean {
  return typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

/** One exported function or class. */
export interface Export {
  key: string;
  pkg: string;
  name: string;
  value: (...args: unknown[]) => unknown;
  isClass: boolean;
}

/** Enumerates the exports of every package (imports each `mod.ts`). */
export async function publicExports(root: URL): Promise<Export[]> {
  const out: Export[] = [];
  for (const pkg of PACKAGES) {
    const mod = await import(new URL(`${pkg}/mod.ts`, root).href);
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") {
        out.push({
          key: `${pkg}:${name}`,
          pkg,
          name,
          value: value as Export["value"],
          isClass: isClass(value),
        });
      } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        // A namespace (`linalg`, `init`): its functions.
        for (const [inner, f] of Object.entries(value)) {
          if (
            typeof f === "function" && Object.getPrototypeOf(value) === null ||
            typeof f === "function" && isNamespace(value)
          ) {
            out.push({
              key: `${pkg}:${name}.${inner}`,
              pkg,
              name: `${name}.${inner}`,
              value: f as Export["value"],
              isClass: isClass(f),
            });
          }
        }
      }
    }
  }
  return out;
}

function isNamespace(v: object): boolean {
  return Object.prototype.toString.call(v) === "[object Module]";
}
