import assert from "node:assert/strict";
import { formatLogValue, Progress, type ProgressWriter } from "./progress.ts";

const CLEAR = "\x1b[K"; // ANSI: clear to the end of the line

function capture(tty: boolean): { writer: ProgressWriter; text: () => string } {
  let text = "";
  return {
    writer: {
      writeSync: (p: Uint8Array) => (text += new TextDecoder().decode(p), p.length),
      isTerminal: () => tty,
    },
    text: () => text,
  };
}

Deno.test("Progress auto mode: a bar on a terminal, lines otherwise", () => {
  assert.equal(new Progress({ writer: capture(true).writer }).mode, "bar");
  assert.equal(new Progress({ writer: capture(false).writer }).mode, "lines");
  assert.equal(new Progress({ writer: { writeSync: (p) => p.length } }).mode, "lines");
  assert.equal(new Progress({ mode: "none", writer: capture(true).writer }).mode, "none");
});

Deno.test("Progress lines mode prints one line per epoch and messages", () => {
  const c = capture(false);
  const p = new Progress({ writer: c.writer });
  p.epochBegin(3, 10, 100);
  p.batch(50, { loss: 1 });
  p.epochEnd({ epoch: 3, loss: 0.25, valAccuracy: 0.875, lr: 0.0001, seconds: 12.34 }, 12.34);
  p.message("stopping");
  assert.equal(
    c.text(),
    "epoch 3/10 · 12.3s · loss 0.2500 · valAccuracy 0.8750 · lr 1.000e-4\nstopping\n",
  );
});

Deno.test("Progress bar mode redraws in place, throttled, and ends the line", () => {
  const c = capture(true);
  const p = new Progress({ writer: c.writer, barWidth: 10, interval: 60_000 });
  p.epochBegin(1, 2, 4);
  p.batch(1, { loss: 2 });
  p.batch(2, { loss: 1.5 }); // throttled away
  p.batch(4, { loss: 1 }); // the last batch always draws
  p.epochEnd({ epoch: 1, loss: 1 }, 0.5);
  const parts = c.text().replaceAll(CLEAR, "<K>").split("\r").filter((s) => s);
  assert.equal(parts.length, 3);
  assert.match(parts[0], /^epoch 1\/2 ██░░░░░░░░ 1\/4 0:00<0:00 {2}loss 2<K>$/);
  assert.match(parts[1], /^epoch 1\/2 ██████████ 4\/4 0:00<0:00 {2}loss 1<K>$/);
  assert.equal(parts[2], "epoch 1/2 · 0.5s · loss 1<K>\n");
});

Deno.test("Progress bar without a known length shows the batch count", () => {
  const c = capture(true);
  const p = new Progress({ mode: "bar", writer: c.writer });
  p.epochBegin(1, 1);
  p.batch(7, { loss: 0.5 });
  assert.match(c.text().replaceAll(CLEAR, "<K>"), /^\repoch 1\/1 7 0:00 {2}loss 0\.5000<K>$/);
});

Deno.test("formatLogValue", () => {
  assert.equal(formatLogValue(0.123456), "0.1235");
  assert.equal(formatLogValue(12.5), "12.50");
  assert.equal(formatLogValue(3), "3");
  assert.equal(formatLogValue(0), "0");
  assert.equal(formatLogValue(2.5e-4), "2.500e-4");
  assert.equal(formatLogValue(NaN), "NaN");
  assert.throws(() => formatLogValue("1" as never), TypeError);
});

Deno.test("Progress validates", () => {
  assert.throws(() => new Progress({ mode: "fancy" as never }), /Progress: mode must be one of/);
  assert.throws(() => new Progress({ writer: {} as never }), /writer must have a writeSync method/);
});
