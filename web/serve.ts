/**
 * A small static server for the pages on 127.0.0.1: builds the scripts (see build.ts), then
 * serves `web/`. Nothing is computed on the server.
 *
 * Usage: `deno task serve [--port 8000] [--no-build]` (port 0 picks a free one; the address is
 * printed as `serving http://127.0.0.1:PORT/`).
 *
 * @module
 */
import { build } from "./build.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json",
  json: "application/json",
  wasm: "application/wasm",
  png: "image/png",
  svg: "image/svg+xml",
};

const root = new URL(".", import.meta.url);

/** Serves the files of `web/` on 127.0.0.1:`port`; resolves once listening, with the server. */
export function serveStatic(port: number): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    const rel = path.endsWith("/") ? `${path}index.html` : path;
    if (rel.split("/").some((part) => part === ".." || part.startsWith("."))) {
      return new Response("not found", { status: 404 });
    }
    const file = new URL(`.${rel}`, root);
    try {
      const body = await Deno.readFile(file);
      const ext = rel.slice(rel.lastIndexOf(".") + 1);
      return new Response(body, {
        headers: {
          "content-type": TYPES[ext] ?? "application/octet-stream",
          "cache-control": "no-store",
          // Cross-origin isolation, so that a threaded WebAssembly backend may use SharedArrayBuffer.
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--port");
  const port = i >= 0 ? Number(Deno.args[i + 1]) : 8000;
  if (!Deno.args.includes("--no-build")) await build();
  const server = serveStatic(port);
  console.log(`serving http://127.0.0.1:${server.addr.port}/`);
}
