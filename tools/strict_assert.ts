import fc from "fast-check";
// Preloaded by `deno task test`: makes `console.assert` throw, so a false assertion in a JSDoc
// `@example` fails the doc test instead of printing a line nobody reads.
console.assert = (condition?: boolean, ...data: unknown[]): void => {
  if (!condition) {
    throw new Error(`Assertion failed${data.length ? ": " + data.map(String).join(" ") : ""}`);
  }
};

// In CI (NNC_CI=1, set by .ci/run) every fast-check property runs from one fixed seed, so a run of
// the suite is reproducible and a rare counterexample cannot turn main red at random; locally the
// seeds stay random and keep exploring. NNC_FC_SEED overrides the seed to replay a failure.
const seedText = Deno.env.get("NNC_FC_SEED") ?? (Deno.env.get("NNC_CI") ? "20261204" : undefined);
if (seedText !== undefined) fc.configureGlobal({ seed: Number(seedText) });
