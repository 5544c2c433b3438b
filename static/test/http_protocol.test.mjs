import assert from "node:assert/strict";
import { test } from "node:test";

import { closeKind } from "../src/protocol.js";
import { frameRefusal, pushRefusal, readEvents, splitReply, unansweredFrame } from "../src/http_protocol.js";

test("a reply splits into its blocks and the rest of its frame", () => {
  const blocks = '<div id="lv-counter" hx-swap-oob="outerMorph">2</div>';
  const frame = '<script id="live-frame" type="application/json">{"ref": 3}</script>';
  assert.deepEqual(splitReply(blocks + frame), { blocks, frame: { ref: 3 } });
});

test("a reply without a frame is all blocks, and a bad frame is none", () => {
  assert.deepEqual(splitReply("<div>x</div>"), { blocks: "<div>x</div>", frame: {} });
  const bad = '<script id="live-frame" type="application/json">{nope</script>';
  assert.deepEqual(splitReply(bad), { blocks: "", frame: {} });
});

test("a frame script inside a block is not the reply's frame", () => {
  const body = '<div><script id="live-frame" type="application/json">{}</script></div>';
  assert.deepEqual(splitReply(body).frame, {});
});

test("server-sent events: whole events only, comments skipped, the rest kept", () => {
  const { data, rest } = readEvents(': live\n\ndata: {"a":1}\n\n: keepalive\n\ndata: {"b"');
  assert.deepEqual(data, ['{"a":1}']);
  assert.equal(rest, 'data: {"b"');
  assert.deepEqual(readEvents(rest + ":2}\n\n"), { data: ['{"b":2}'], rest: "" });
});

test("a push answer no retry changes is the socket's close: reload or refused", () => {
  assert.equal(closeKind(pushRefusal(401)), "reload");
  assert.equal(closeKind(pushRefusal(410)), "reload");
  for (const status of [400, 403, 404, 413]) assert.equal(closeKind(pushRefusal(status)), "refused");
  // Retried: a server error or restart, and a page whose previous push stream is still closing.
  for (const status of [200, 204, 429, 500, 502, 503]) assert.equal(pushRefusal(status), null);
});

test("a frame another answered, or nobody, is answered with an error for its ref", () => {
  const sent = JSON.stringify({ event: "save", args: {}, form: {}, ref: 7 });
  assert.deepEqual(unansweredFrame(sent, 403), {
    ref: 7,
    error: { code: "http_403", message: "The server refused the frame (HTTP 403).", event: "save", ref: 7 },
  });
  assert.deepEqual(unansweredFrame(sent, null), {
    ref: 7,
    error: {
      code: "no_reply",
      message: '"save" got no reply (the server did not answer): it may not have run',
      event: "save",
      ref: 7,
    },
  });
});

test("a join nobody answered waits for nothing; one another refused is still said", () => {
  const join = JSON.stringify({ join: { version: "1", blocks: {} } });
  assert.equal(unansweredFrame(join, null), null);
  assert.deepEqual(unansweredFrame(join, 403), {
    error: { code: "http_403", message: "The server refused the frame (HTTP 403)." },
  });
  assert.equal(unansweredFrame("not json", null), null);
});

test("a frame's answer that refuses the page is the socket's close; a frame's own error is not", () => {
  assert.equal(frameRefusal(429, { error: { code: "refused_4429", message: "too many" } }), 4429);
  assert.equal(closeKind(frameRefusal(403, { ref: 2, error: { code: "refused_4403" } })), "refused");
  assert.equal(frameRefusal(429, { ref: 2, error: { code: "rate_limited" } }), null);
  assert.equal(frameRefusal(400, { ref: 2, error: { code: "bad_arguments" } }), null);
  assert.equal(frameRefusal(200, { ref: 2 }), null);
  assert.equal(frameRefusal(200, { error: { code: "refused_4403" } }), null); // not a refusing answer
  assert.equal(frameRefusal(403, {}), null); // another's answer (Django's CSRF page): http_403
  assert.equal(frameRefusal(403, { error: { code: "refused_4403x" } }), null);
});
