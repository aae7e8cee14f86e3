/**
 * The pages in headless Chromium, driven by playwright-core (Debian's `chromium`; playwright never
 * downloads a browser): the Playground trains circles until the test loss falls below a bound,
 * the boundary picture changes, the trained weights equal those of the same run replayed in Deno
 * on the same backend (wasm, or JS where it does not load), and a screenshot goes to `out/web/`; the k-means and Hopfield page steps
 * both learners to convergence. It also checks the JavaScript a page loads stays under 300 kB
 * gzipped, and prints how long circles took to reach 95 % test accuracy.
 *
 * Skipped with a message when Chromium is missing, unless `NNC_CI=1` (CI installs it), which
 * makes that a failure. Chromium is found at `NNC_CHROMIUM` or `/usr/bin/chromium`.
 *
 * Usage: `deno task test:web` (= `deno test -A web/e2e.ts`)
 *
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="deno.ns" />
import assert from "node:assert/strict";
import { chromium } from "npm:playwright-core@1.65.2";
import { useBackend } from "@nnc/tensor";
import { build, PAGE_BUDGET_BYTES } from "./build.ts";
import { serveStatic } from "./serve.ts";
import { Playground, type PlaygroundConfig } from "./src/playground.ts";

const CHROMIUM = Deno.env.get("NNC_CHROMIUM") ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** The test loss the page must reach on circles. */
const TEST_LOSS_BOUND = 0.2;
const OUT = new URL("../out/web/", import.meta.url);

function chromiumMissing(): string | null {
  try {
    return Deno.statSync(CHROMIUM).isFile ? null : `${CHROMIUM} is not a file`;
  } catch {
    return `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set NNC_CHROMIUM)`;
  }
}

const missing = chromiumMissing();
if (missing !== null) {
  if (Deno.env.get("NNC_CI") === "1") {
    throw new Error(`browser test: ${missing} (NNC_CI=1 makes this an error)`);
  }
  console.log(`browser test skipped: ${missing}`);
}

Deno.test({
  name:
    "web: pages under the JavaScript budget; Playground trains circles in Chromium, same weights as Deno",
  ignore: missing !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sizes = await build();
    for (const [page, size] of Object.entries(sizes)) {
      assert.ok(size < PAGE_BUDGET_BYTES, `${page} loads ${size} bytes of JavaScript gzipped`);
    }
    await Deno.mkdir(OUT, { recursive: true });
    const server = serveStatic(0);
    const userDataDir = await Deno.makeTempDir({ prefix: "nnc-chromium-" });
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1200, height: 760 },
    });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      const base = `http://127.0.0.1:${server.addr.port}/`;
      await page.goto(`${base}index.html?dataset=circles&seed=7`);
      await page.waitForFunction(() => document.getElementById("status")?.dataset.testLoss);
      const boundaryBefore = await page.evaluate(() =>
        (document.getElementById("boundary") as HTMLCanvasElement).toDataURL()
      );

      const clicked = performance.now();
      await page.click("#start");
      // Time to 95 % test accuracy, as the page reports it after each frame.
      const reached = await page.waitForFunction(
        () => {
          const s = document.getElementById("status")!.dataset;
          return Number(s.testAccuracy) >= 0.95 ? Number(s.trainingMs) : false;
        },
        undefined,
        { timeout: 60_000, polling: 50 },
      );
      const wall95 = performance.now() - clicked;
      const worker95 = Number(await reached.jsonValue());
      await page.waitForFunction(
        (bound) => Number(document.getElementById("status")!.dataset.testLoss) < bound,
        TEST_LOSS_BOUND,
        { timeout: 60_000, polling: 50 },
      );
      await page.evaluate(() =>
        (globalThis as unknown as { nncPlayground: { pause(): void } }).nncPlayground.pause()
      );
      const run = await page.evaluate(async () => {
        const api = (globalThis as unknown as {
          nncPlayground: {
            config(): unknown;
            weights(): Promise<{ steps: number; weights: Record<string, number[]> }>;
          };
        }).nncPlayground;
        return { config: api.config(), ...(await api.weights()) };
      });
      // Let the last frame paint before looking at the boundary.
      await page.waitForFunction(
        (steps) => Number(document.getElementById("status")!.dataset.steps) === steps,
        run.steps,
      );
      const boundaryAfter = await page.evaluate(() =>
        (document.getElementById("boundary") as HTMLCanvasElement).toDataURL()
      );
      assert.notEqual(boundaryAfter, boundaryBefore, "the boundary picture did not change");
      await page.screenshot({ path: new URL("playground.png", OUT).pathname });
      const testLoss = Number(await page.getAttribute("#status", "data-test-loss"));
      console.log(
        `circles: 95% test accuracy after ${(worker95 / 1000).toFixed(2)} s of training ` +
          `(${(wall95 / 1000).toFixed(2)} s from the click); test loss ${testLoss.toFixed(3)} ` +
          `< ${TEST_LOSS_BOUND} after ${run.steps} steps`,
      );

      // The same run in Deno on the backend the page ran on (wasm when it loads) gives the same
      // weights, bit for bit: the page's kernels are the library's, nothing browser-specific.
      const active = await page.inputValue("#backend");
      console.log(`the page trained on the ${active} backend`);
      if (active === "wasm") await import("@nnc/wasm");
      useBackend(active);
      const replay = new Playground(run.config as PlaygroundConfig);
      for (let i = 0; i < run.steps; i++) replay.step();
      const mine = replay.weights();
      assert.deepEqual(Object.keys(run.weights), Object.keys(mine));
      for (const [name, values] of Object.entries(mine)) {
        const theirs = run.weights[name];
        const diff = Math.max(...values.map((v, i) => Math.abs(v - theirs[i])));
        assert.equal(diff, 0, `${name} differs from the Deno replay by up to ${diff}`);
      }

      // The k-means and Hopfield page: both learners reach a fixed point.
      await page.goto(`${base}unsupervised.html`);
      await page.waitForSelector("#km-status[data-iteration='0']");
      for (let i = 0; i < 3; i++) await page.click("#km-step");
      assert.equal(await page.getAttribute("#km-status", "data-iteration"), "3");
      await page.click("#km-run");
      await page.waitForSelector("#km-status[data-converged='true']", { timeout: 30_000 });
      await page.click("#hf-run");
      await page.waitForSelector("#hf-status[data-settled='true']", { timeout: 30_000 });
      const recall = await page.textContent("#hf-status");
      assert.match(recall ?? "", /100\/100 units agree with "T"/);
      await page.screenshot({ path: new URL("unsupervised.png", OUT).pathname });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.shutdown();
      await Deno.remove(userDataDir, { recursive: true });
    }
  },
});
