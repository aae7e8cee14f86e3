/**
 * Bundles the pages' scripts with Deno's bundler (esbuild inside `deno bundle`) into `web/dist/`:
 * `main.js` (the Playground page), `worker.js` (its training worker: the library on the JS
 * backend), `unsupervised.js` (the k-means and Hopfield page). Prints each file's size raw and
 * gzipped; `--check-size` fails when the JavaScript a page loads exceeds 300 kB gzipped.
 *
 * Usage: `deno task web:build [--check-size]`
 *
 * @module
 */

/** The page scripts: entry → output name. */
export const ENTRIES: Record<string, string> = {
  "src/main.ts": "main.js",
  "src/worker.ts": "worker.js",
  "src/unsupervised_main.ts": "unsupervised.js",
};
/** What each page loads. */
export const PAGES: Record<string, string[]> = {
  "index.html": ["main.js", "worker.js"],
  "unsupervised.html": ["unsupervised.js"],
};
/** Budget of JavaScript per page load, gzipped. */
export const PAGE_BUDGET_BYTES = 300_000;

const root = new URL(".", import.meta.url);
const dist = new URL("dist/", root);

/** Bytes of `data` after gzip. */
export async function gzipSize(data: Uint8Array): Promise<number> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Bundles every entry; returns the gzipped size of each page's scripts. */
export async function build(): Promise<Record<string, number>> {
  await Deno.mkdir(dist, { recursive: true });
  for (const [entry, out] of Object.entries(ENTRIES)) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=browser",
        "--minify",
        "--sourcemap=linked",
        "-o",
        new URL(out, dist).pathname,
        new URL(entry, root).pathname,
      ],
      stdout: "inherit",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`web build: bundling ${entry} failed:\n${new TextDecoder().decode(stderr)}`);
    }
  }
  const sizes: Record<string, number> = {};
  for (const [page, scripts] of Object.entries(PAGES)) {
    let total = 0;
    for (const s of scripts) {
      const bytes = await Deno.readFile(new URL(s, dist));
      const gz = await gzipSize(bytes);
      total += gz;
      console.log(
        `  ${s.padEnd(18)} ${(bytes.length / 1000).toFixed(1).padStart(7)} kB  ${
          (gz / 1000).toFixed(1).padStart(6)
        } kB gzipped`,
      );
    }
    sizes[page] = total;
    console.log(`${page}: ${(total / 1000).toFixed(1)} kB of JavaScript gzipped`);
  }
  return sizes;
}

if (import.meta.main) {
  const sizes = await build();
  if (Deno.args.includes("--check-size")) {
    for (const [page, size] of Object.entries(sizes)) {
      if (size > PAGE_BUDGET_BYTES) {
        console.error(
          `${page} loads ${size} bytes of JavaScript gzipped, over ${PAGE_BUDGET_BYTES}`,
        );
        Deno.exit(1);
      }
    }
  }
}
