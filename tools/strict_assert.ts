// Preloaded by `deno task test`: makes `console.assert` throw, so a false assertion in a JSDoc
// `@example` fails the doc test instead of printing a line nobody reads.
console.assert = (condition?: boolean, ...data: unknown[]): void => {
  if (!condition) {
    throw new Error(`Assertion failed${data.length ? ": " + data.map(String).join(" ") : ""}`);
  }
};
