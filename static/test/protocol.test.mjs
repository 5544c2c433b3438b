import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  closeKind,
  eventFrame,
  joinFrame,
  readFrame,
  reloadAllowed,
  swappedIds,
} from "../src/protocol.js";

describe("joinFrame", () => {
  test("carries the client version and every block's hash", () => {
    const frame = joinFrame({ "lv-counter": "3f2a9c1b", "lv-row-7": "00aa11bb" }, "0.1.0");
    assert.equal(
      frame,
      '{"join":{"version":"0.1.0","blocks":{"lv-counter":"3f2a9c1b","lv-row-7":"00aa11bb"}}}',
    );
  });

  test("a page with no blocks still joins", () => {
    assert.deepEqual(JSON.parse(joinFrame({}, "0.1.0")), { join: { version: "0.1.0", blocks: {} } });
  });
});

describe("eventFrame", () => {
  test("parses data-live-args and keeps form values under form", () => {
    const dataset = { liveEvent: "increment", liveArgs: '{"amount": 2}' };
    const frame = eventFrame(dataset, { event: "field named event", tags: ["a", "b"] }, 7);
    assert.equal(
      frame,
      '{"event":"increment","args":{"amount":2},"form":{"event":"field named event","tags":["a","b"]},"ref":7}',
    );
  });

  test("args default to an empty object when data-live-args is absent", () => {
    assert.deepEqual(JSON.parse(eventFrame({ liveEvent: "reset" }, {}, 1)), {
      event: "reset",
      args: {},
      form: {},
      ref: 1,
    });
  });

  test("names the live component the element is in, under its own key", () => {
    const frame = JSON.parse(eventFrame({ liveEvent: "inc" }, { component: "a field" }, 3, "0123456789abcdef"));
    assert.equal(frame.component, "0123456789abcdef");
    assert.deepEqual(frame.form, { component: "a field" });
    assert.equal("component" in JSON.parse(eventFrame({ liveEvent: "inc" }, {}, 4)), false);
  });

  test("names the file inputs whose files never went up, under its own key, only when there are", () => {
    const frame = JSON.parse(eventFrame({ liveEvent: "submit" }, { unsent: "a field" }, 5, undefined, ["attachments"]));
    assert.deepEqual(frame.unsent, ["attachments"]);
    assert.deepEqual(frame.form, { unsent: "a field" });
    assert.equal("unsent" in JSON.parse(eventFrame({ liveEvent: "submit" }, {}, 6, undefined, [])), false);
    assert.equal("unsent" in JSON.parse(eventFrame({ liveEvent: "submit" }, {}, 7)), false);
  });

  test("refuses args that are not a JSON object", () => {
    for (const liveArgs of ["[1, 2]", "null", "3", '"x"']) {
      assert.throws(() => eventFrame({ liveEvent: "go", liveArgs }, {}, 1), {
        name: "TypeError",
        message: `data-live-args must be a JSON object, got ${liveArgs}`,
      });
    }
  });

  test("refuses args that are not JSON", () => {
    assert.throws(() => eventFrame({ liveEvent: "go", liveArgs: "{amount: 2}" }, {}, 1), SyntaxError);
  });
});

describe("readFrame", () => {
  test("update: content was swapped, ref echoed", () => {
    const frame = readFrame('{"content": "<div id=\\"lv-counter\\"></div>", "ref": 7}');
    assert.deepEqual(frame, { action: "update", ref: 7 });
  });

  test("update pushed by a broadcast has no ref", () => {
    assert.deepEqual(readFrame('{"content": ""}'), { action: "update", ref: undefined });
  });

  test("ack: the event ran and no block changed", () => {
    assert.deepEqual(readFrame('{"ref": 7}'), { action: "ack", ref: 7 });
  });

  test("error carries the server's error object and the ref", () => {
    const error = { code: "unknown_event", message: "No live event named 'dispatch' on CounterView." };
    assert.deepEqual(readFrame(JSON.stringify({ error, ref: 7 })), { action: "error", error, ref: 7 });
  });

  test("redirect to a path or an http(s) URL", () => {
    for (const url of ["/success/", "success/", "https://example.com/next", "//example.com/x"]) {
      assert.deepEqual(readFrame(JSON.stringify({ redirect: url })), { action: "redirect", url });
    }
  });

  test("redirect to a script or data URL is ignored", () => {
    for (const redirect of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", 42, null]) {
      assert.deepEqual(readFrame(JSON.stringify({ redirect })), { action: "invalid" });
    }
  });

  test("reload", () => {
    assert.deepEqual(readFrame('{"reload": true}'), { action: "reload" });
    assert.deepEqual(readFrame('{"reload": false}'), { action: "ack", ref: undefined });
  });

  test("redirect wins over everything else in the same frame", () => {
    const frame = readFrame('{"redirect": "/a/", "reload": true, "content": "", "ref": 1}');
    assert.deepEqual(frame, { action: "redirect", url: "/a/" });
  });

  test("frames that are not a JSON object are invalid", () => {
    for (const data of ["<div>html</div>", "[1]", "null", "3", "", new Uint8Array([123, 125])]) {
      assert.deepEqual(readFrame(data), { action: "invalid" }, String(data));
    }
  });
});

describe("closeKind", () => {
  test("4401 and 4410 are cured by a reload", () => {
    assert.equal(closeKind(4401), "reload");
    assert.equal(closeKind(4410), "reload");
  });

  test("other 4xxx codes are refusals", () => {
    for (const code of [4000, 4400, 4403, 4404, 4413, 4429, 4999]) assert.equal(closeKind(code), "refused");
  });

  test("anything else is a disconnection", () => {
    for (const code of [1000, 1001, 1005, 1006, 1011, 3000, 5000, null, undefined]) {
      assert.equal(closeKind(code), "disconnected", String(code));
    }
  });
});

describe("reloadAllowed", () => {
  const now = 1_700_000_000_000;

  test("a tab that never reloaded may reload", () => {
    assert.equal(reloadAllowed(null, now), true);
    assert.equal(reloadAllowed(Number.NaN, now), true);
  });

  test("not again within 10 s", () => {
    assert.equal(reloadAllowed(now, now), false);
    assert.equal(reloadAllowed(now - 10_000, now), false);
    assert.equal(reloadAllowed(now - 10_001, now), true);
  });

  test("a clock set back does not block reloads for long", () => {
    assert.equal(reloadAllowed(now + 5_000, now), false);
    assert.equal(reloadAllowed(now + 60_000, now), true);
  });
});

test("swappedIds lists the blocks a frame swaps, not the blocks nested in them", () => {
  const content =
    '<ul id="lv-todos" data-lv-v="1" hx-swap-oob="outerMorph"><li id="lv-todo-1" data-lv-v="2">a</li></ul>' +
    '<span id="lv-remaining" data-lv-v="3" hx-swap-oob="outerMorph">1</span>';
  assert.deepEqual(swappedIds(content), ["lv-todos", "lv-remaining"]);
  assert.deepEqual(swappedIds(""), []);
});
