// The libnnc instance behind the registered "wasm" backend (set once by register.ts).
import type { WasmLoad } from "./load.ts";

let current: WasmLoad | undefined;

/** Records the default instance's load result. */
export function setDefaultWasm(load: WasmLoad): void {
  current = load;
}

/** The default instance's load result, `undefined` before register.ts has run. */
export function defaultWasm(): WasmLoad | undefined {
  return current;
}
