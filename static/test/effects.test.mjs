import assert from "node:assert/strict";
import { test } from "node:test";

import { dueOnReturn, pollingPlan, readEffects } from "../src/effects.js";
import { FRAME, scriptEventFrame } from "../src/protocol.js";

test("readEffects takes pushes, title, focus, scroll and navigate", () => {
  const frame = {
    [FRAME.PUSH]: [["chart:data", [1, 2]], ["x", null]],
    [FRAME.TITLE]: "New",
    [FRAME.FOCUS]: "#email",
    [FRAME.SCROLL]: "#end",
    [FRAME.NAVIGATE]: "/orders/?page=2",
  };
  assert.deepEqual(readEffects(frame), {
    pushes: [["chart:data", [1, 2]], ["x", null]],
    title: "New",
    focus: "#email",
    scroll: "#end",
    navigate: "/orders/?page=2",
  });
});

test("readEffects of a frame without any is empty", () => {
  assert.deepEqual(readEffects({ [FRAME.CONTENT]: "<p>" }), {});
  assert.deepEqual(readEffects(null), {});
});

test("readEffects drops malformed pushes and values of the wrong type", () => {
  const frame = { [FRAME.PUSH]: [["ok", 1], "bad", [1, 2], ["three", 1, 2]], [FRAME.TITLE]: 3, [FRAME.FOCUS]: {} };
  assert.deepEqual(readEffects(frame), { pushes: [["ok", 1]] });
});

test("readEffects navigates only to a path on this site", () => {
  for (const url of ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example", 5]) {
    assert.equal(readEffects({ [FRAME.NAVIGATE]: url }).navigate, undefined, String(url));
  }
});

test("pollingPlan turns seconds into milliseconds and drops what is not a sane interval", () => {
  const frame = { [FRAME.EVERY]: { tick: 5, fast: 0.25, never: 0, bad: "1", nan: Number.NaN } };
  assert.deepEqual(pollingPlan(frame), [["tick", 5000], ["fast", 250]]);
  assert.deepEqual(pollingPlan({}), []);
  assert.deepEqual(pollingPlan({ [FRAME.EVERY]: [1] }), []);
});

test("a tick is due on return once a whole interval passed", () => {
  assert.equal(dueOnReturn(1000, 5000, 5999), false);
  assert.equal(dueOnReturn(1000, 5000, 6000), true);
});

test("scriptEventFrame sends args, an empty form and the ref", () => {
  assert.deepEqual(JSON.parse(scriptEventFrame("click", { by: 2 }, 7)), {
    [FRAME.EVENT]: "click",
    args: { by: 2 },
    form: {},
    [FRAME.REF]: 7,
  });
  // From a hook in a live component on a page that is not live: to that component.
  assert.equal(JSON.parse(scriptEventFrame("bump", {}, 8, "0123456789abcdef")).component, "0123456789abcdef");
  assert.equal("component" in JSON.parse(scriptEventFrame("click", {}, 9)), false);
  assert.throws(() => scriptEventFrame("click", [1], 1), /args must be an object/);
  assert.throws(() => scriptEventFrame("", {}, 1), /bad event name/);
});
