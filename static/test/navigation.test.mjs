import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { joinFrame, paramsFrame, readFrame } from "../src/protocol.js";

describe("joinFrame with the page's address and nonce", () => {
  test("carries location.search and the root's nonce", () => {
    const frame = joinFrame({}, "0.1.0", { search: "?page=2", nonce: "abc" });
    assert.deepEqual(JSON.parse(frame), {
      join: { version: "0.1.0", blocks: {}, search: "?page=2", nonce: "abc" },
    });
  });

  test("sends an empty search (a patch to no query) and leaves out a page without a nonce", () => {
    const frame = joinFrame({}, "0.1.0", { search: "", nonce: "" });
    assert.deepEqual(JSON.parse(frame), { join: { version: "0.1.0", blocks: {}, search: "" } });
  });
});

describe("paramsFrame", () => {
  test("sends the query the browser went back or forward to", () => {
    assert.equal(paramsFrame("?q=a&page=1", 4), '{"params":"?q=a&page=1","ref":4}');
  });
});

describe("readFrame patches", () => {
  test("an update may push a new query", () => {
    const frame = readFrame('{"content":"<div></div>","patch":{"search":"?page=2","replace":false},"ref":3}');
    assert.deepEqual(frame, { action: "update", ref: 3, patch: { search: "?page=2", replace: false } });
  });

  test("an ack may replace the query, and an empty query clears it", () => {
    assert.deepEqual(readFrame('{"patch":{"search":"","replace":true},"ref":1}'), {
      action: "ack",
      ref: 1,
      patch: { search: "", replace: true },
    });
  });

  test("replace is true only when the server says true", () => {
    assert.equal(readFrame('{"patch":{"search":"?a=1","replace":"yes"}}').patch.replace, false);
  });

  for (const search of ["/other/?a=1", "https://evil.example/", "?a=1#x", "?a 1", 7, null]) {
    test(`never a path, an origin or a fragment: ${JSON.stringify(search)}`, () => {
      const frame = readFrame(JSON.stringify({ patch: { search }, ref: 2 }));
      assert.deepEqual(frame, { action: "ack", ref: 2 });
    });
  }
});
