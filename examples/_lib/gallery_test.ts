import assert from "node:assert/strict";
import type { ExampleSummary } from "./report.ts";
import {
  galleryHtml,
  galleryLinks,
  missingLinks,
  readSummary,
  relativeTo,
  writeGallery,
} from "./gallery.ts";

function summary(root: string, over: Partial<ExampleSummary> = {}): ExampleSummary {
  return {
    family: "experiments",
    name: "demo_plot",
    quick: true,
    seconds: 1.5,
    files: [`${root}/experiments/a.svg`, `${root}/experiments/b.png`, `${root}/experiments/c.txt`],
    metrics: {
      "test accuracy": { value: 0.93, min: 0.9, max: 1 },
      "loss <2>": { value: 3, max: 2 },
    },
    notes: ["accuracy 0.93 & more"],
    ...over,
  };
}

Deno.test("galleryHtml: pictures inline, other files linked, figures with their bounds, text escaped", () => {
  const html = galleryHtml("out", [{
    script: "experiments/demo_plot.ts",
    command: "deno run -A examples/experiments/demo_plot.ts --quick",
    code: 0,
    seconds: 1.5,
    summary: summary("out"),
  }], true);
  assert.ok(
    html.includes('<img src="experiments/a.svg"') && html.includes('<img src="experiments/b.png"'),
  );
  assert.ok(html.includes('<a href="experiments/c.txt">c.txt</a>'));
  assert.ok(html.includes("deno run -A examples/experiments/demo_plot.ts --quick"));
  assert.ok(html.includes("accuracy 0.93 &amp; more") && html.includes("loss &lt;2&gt;"));
  assert.ok(
    html.includes('<tr class="ok"><td>test accuracy</td><td>0.93</td><td>≥ 0.9, ≤ 1</td>'),
  );
  assert.ok(html.includes('<tr class="bad"><td>loss &lt;2&gt;</td>'));
  assert.deepEqual(galleryLinks(html), [
    "experiments/a.svg",
    "experiments/b.png",
    "experiments/c.txt",
    "experiments/demo_plot.summary.json",
  ]);
});

Deno.test("a failed example shows its error; relativeTo strips the gallery's folder", () => {
  const html = galleryHtml("/tmp/g", [{
    script: "experiments/broken.ts",
    command: "deno run -A examples/experiments/broken.ts",
    code: 1,
    seconds: 0.2,
    summary: null,
    error: "TypeError: <boom>",
  }], false);
  assert.ok(html.includes("exit code 1") && html.includes("TypeError: &lt;boom&gt;"));
  assert.ok(html.includes("1 failed"));
  assert.equal(relativeTo("/tmp/g", "/tmp/g/experiments/x.svg"), "experiments/x.svg");
  assert.equal(relativeTo("out", "out/mlp/y.png"), "mlp/y.png");
});

Deno.test("writeGallery: index.html in the folder; every missing or empty linked file is reported", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/experiments`);
    await Deno.writeTextFile(`${root}/experiments/a.svg`, "<svg/>");
    await Deno.writeTextFile(`${root}/experiments/b.png`, "");
    const s = summary(root);
    await Deno.writeTextFile(`${root}/experiments/demo_plot.summary.json`, JSON.stringify(s));
    assert.deepEqual(await readSummary(root, "experiments/demo_plot.ts"), s);
    assert.deepEqual(await readSummary(root, "demo_plot.ts"), s); // a top-level script: any folder
    assert.equal(await readSummary(root, "experiments/nothing.ts"), null);
    const entry = {
      script: "experiments/demo_plot.ts",
      command: "x",
      code: 0,
      seconds: 1,
      summary: s,
    };
    const { path, missing } = await writeGallery(root, [entry], true);
    assert.equal(path, `${root}/index.html`);
    assert.ok((await Deno.readTextFile(path)).startsWith("<!doctype html>"));
    assert.deepEqual(missing, ["experiments/b.png", "experiments/c.txt"]);
    assert.deepEqual(await missingLinks(root, '<a href="experiments/a.svg">'), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
