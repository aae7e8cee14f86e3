// Test helpers: the scikit-learn fixtures and a closeness assertion that names the worst entry.
import assert from "node:assert/strict";

// deno-lint-ignore no-explicit-any
export type Json = any;

let cached: Json | null = null;

/** The parsed `fixtures/sklearn_fixtures.json`. */
export function sklearnFixtures(): Json {
  cached ??= JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_fixtures.json", import.meta.url)),
  );
  return cached;
}

/** Asserts |a − e| ≤ tol entry by entry (flattening nested arrays). */
export function assertClose(
  actual: ArrayLike<number> | number,
  expected: Json,
  tol: number,
  what = "",
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e =
    (typeof expected === "number"
      ? [expected]
      : ArrayBuffer.isView(expected)
      ? Array.from(expected as unknown as ArrayLike<number>)
      : expected.flat(Infinity)) as number[];
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs ${e.length}`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what}: entry ${at} is ${a[at]}, expected ${e[at]} (|diff| ${worst} > ${tol})`,
  );
}
