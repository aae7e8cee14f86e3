import assert from "node:assert/strict";
import { History, valKey } from "./history.ts";

function sample(): History {
  const h = new History();
  h.record({ epoch: 1, loss: 1.0, accuracy: 0.5, valLoss: 1.2, valAccuracy: 0.45 });
  h.record({ epoch: 2, loss: 0.6, accuracy: 0.7, valLoss: 0.9, valAccuracy: 0.6 });
  h.record({ epoch: 3, loss: 0.4, accuracy: 0.8, valLoss: 0.95, valAccuracy: 0.62, lr: 0.01 });
  return h;
}

Deno.test("History columns, keys and last row", () => {
  const h = sample();
  assert.equal(h.length, 3);
  assert.deepEqual(h.keys(), ["loss", "accuracy", "valLoss", "valAccuracy", "lr"]);
  assert.deepEqual(h.get("valLoss"), [1.2, 0.9, 0.95]);
  assert.deepEqual(h.get("lr").map(String), ["NaN", "NaN", "0.01"]);
  assert.equal(h.last()?.epoch, 3);
  assert.equal(new History().last(), undefined);
});

Deno.test("History.best picks min for losses and max otherwise, first on ties", () => {
  const h = sample();
  assert.deepEqual(h.best("valLoss"), { epoch: 2, value: 0.9 });
  assert.deepEqual(h.best("valAccuracy"), { epoch: 3, value: 0.62 });
  assert.deepEqual(h.best("valAccuracy", "min"), { epoch: 1, value: 0.45 });
  const tie = new History([{ epoch: 1, a: 2 }, { epoch: 2, a: 2 }]);
  assert.deepEqual(tie.best("a"), { epoch: 1, value: 2 });
  assert.throws(() => h.best("f1"), {
    name: "RangeError",
    message: "History.best: no epoch logged 'f1' (keys: loss, accuracy, valLoss, valAccuracy, lr)",
  });
});

Deno.test("History CSV and JSON round trip", () => {
  const h = sample();
  assert.equal(
    h.toCsv(),
    "epoch,loss,accuracy,valLoss,valAccuracy,lr\n1,1,0.5,1.2,0.45,\n2,0.6,0.7,0.9,0.6,\n3,0.4,0.8,0.95,0.62,0.01\n",
  );
  const back = new History(JSON.parse(JSON.stringify(h)));
  assert.deepEqual(back.epochs, h.epochs);
});

Deno.test("History.record copies and validates", () => {
  const h = new History();
  const row = { epoch: 1, loss: 1 };
  h.record(row);
  row.loss = 5;
  assert.equal(h.get("loss")[0], 1);
  assert.throws(() => h.record({ epoch: 1.5 }), /expected an object with an integer epoch/);
  assert.throws(
    () => h.record({ epoch: 2, loss: "x" as unknown as number }),
    /value of 'loss' must be a number, got "x"/,
  );
});

Deno.test("valKey prefixes val and capitalises", () => {
  assert.equal(valKey("loss"), "valLoss");
  assert.equal(valKey("top5Accuracy"), "valTop5Accuracy");
  assert.throws(() => valKey(""), TypeError);
});
