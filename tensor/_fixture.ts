// Loads a JSON fixture stored beside the tests (reference values computed once with PyTorch).
import type { NestedArray } from "./_nested.ts";

/** Reads `tensor/fixtures/<name>.json`. */
export function loadFixture(
  name: string,
): Record<string, NestedArray & Record<string, NestedArray>> {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}.json`, import.meta.url)));
}
