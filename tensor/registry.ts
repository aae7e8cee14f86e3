/**
 * Which {@link Backend} runs the kernels: `useBackend`, `getBackend`, `registerBackend`, and the
 * `NNC_BACKEND` environment variable read at start-up.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { jsBackend } from "./js_backend.ts";
import { describe } from "./check.ts";

const backends = new Map<string, Backend>([["js", jsBackend]]);
let active: Backend = jsBackend;
// A backend named by NNC_BACKEND that is not registered yet becomes active when it registers.
let requested: string | undefined = readEnvBackend();

function readEnvBackend(): string | undefined {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (!deno?.permissions) return undefined;
  try {
    if (deno.permissions.querySync({ name: "env", variable: "NNC_BACKEND" }).state !== "granted") {
      return undefined;
    }
    return deno.env.get("NNC_BACKEND") || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes a backend available under its name. If `NNC_BACKEND` names it, it becomes active.
 *
 * @example
 * ```ts
 * import { getBackend, registerBackend } from "@nnc/tensor";
 * registerBackend({ ...getBackend(), name: "my-js" });
 * ```
 */
export function registerBackend(backend: Backend): void {
  if (backend === null || typeof backend !== "object") {
    throw new TypeError(`registerBackend: expected a Backend object, got ${describe(backend)}`);
  }
  if (typeof backend.name !== "string" || backend.name === "") {
    throw new TypeError(
      `registerBackend: the backend needs a non-empty string name, got ${describe(backend.name)}`,
    );
  }
  // A backend lacking a kernel would fail later, far from here: every kernel of the JS backend
  // must be there (as a function).
  const missing = Object.keys(jsBackend).filter((k) =>
    typeof (jsBackend as unknown as Record<string, unknown>)[k] === "function" &&
    typeof (backend as unknown as Record<string, unknown>)[k] !== "function"
  );
  if (missing.length > 0) {
    throw new TypeError(
      `registerBackend: backend "${backend.name}" lacks ${missing.length} kernels (${
        missing.slice(0, 5).join(", ")
      }${missing.length > 5 ? ", …" : ""}); spread the JS backend to inherit them`,
    );
  }
  backends.set(backend.name, backend);
  if (requested === backend.name) {
    active = backend;
    requested = undefined;
  }
}

/**
 * Selects the backend that runs every following op. Throws a `RangeError` for an unknown name.
 *
 * @example
 * ```ts
 * import { getBackend, useBackend } from "@nnc/tensor";
 * useBackend("js");
 * console.assert(getBackend().name === "js");
 * ```
 */
export function useBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    const hint = name === "native" || name === "wasm" ? `; import "@nnc/${name}" first` : "";
    throw new RangeError(
      `useBackend: backend "${name}" is not registered (registered: ${
        [...backends.keys()].join(", ")
      })${hint}`,
    );
  }
  active = b;
  requested = undefined;
}

/**
 * The backend currently running the kernels.
 *
 * @example
 * ```ts
 * import { getBackend } from "@nnc/tensor";
 * console.log(getBackend().name);
 * ```
 */
export function getBackend(): Backend {
  return active;
}

/**
 * The names of all registered backends.
 *
 * @example
 * ```ts
 * import { listBackends } from "@nnc/tensor";
 * console.assert(listBackends().includes("js"));
 * ```
 */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/**
 * The JS backend, always available: the reference every other backend is tested against.
 *
 * @example
 * ```ts
 * import { referenceBackend } from "@nnc/tensor";
 * console.assert(referenceBackend().name === "js");
 * ```
 */
export function referenceBackend(): Backend {
  return jsBackend;
}
