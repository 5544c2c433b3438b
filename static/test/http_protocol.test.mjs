import assert from "node:assert/strict";
import { test } from "node:test";

import { closeKind } from "../src/protocol.js";
import { frameRefusal, joinRefusal, pushRefusal, readEvents, splitReply, unansweredFrame } from "../src/http_protocol.js";

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

// Django's own CSRF failure page (django/views/templates/csrf_403.html), as DEBUG = True renders it.
const csrfPage = (debug) =>
  '<h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>' +
  (debug ? "\n<div id=\"info\">\n    <p>Reason given for failure:</p>\n    <pre>\n    CSRF cookie not set.\n    </pre>" : "");

test("a first join Django's CSRF check refused is the socket's close 4403, and says which settings fix it", () => {
  const refused = joinRefusal(403, csrfPage(false));
  assert.equal(refused.code, 4403);
  assert.equal(closeKind(refused.code), "refused");
  assert.match(refused.message, /^live_views: Django's CSRF check refused the page's join over HTTP \(HTTP 403\)/);
  assert.match(refused.message, /CSRF cookie/);
  assert.match(refused.message, /CSRF_TRUSTED_ORIGINS/);
  assert.match(refused.message, /SECURE_PROXY_SSL_HEADER/);
  assert.match(refused.message, /docs\/howto\/deployment\.md/);
  // With DEBUG on, Django says which check failed.
  assert.match(joinRefusal(403, csrfPage(true)).message, /\(HTTP 403: CSRF cookie not set\.\)/);
});

test("a first join another refused is refused with the status's code; one a retry may change is not", () => {
  assert.deepEqual(joinRefusal(403, "Forbidden"), {
    code: 4403,
    message: "live_views: the server refused the page's join over HTTP (HTTP 403), so the page is not live",
  });
  assert.equal(joinRefusal(404, "<h1>Not Found</h1>").code, 4404);
  assert.equal(closeKind(joinRefusal(401, "").code), "reload");
  assert.equal(closeKind(joinRefusal(410, null).code), "reload");
  for (const status of [0, 200, 204, 429, 500, 502]) assert.equal(joinRefusal(status, "Nope"), null);
});

test("a first join our route refused is frameRefusal's to read, not another's answer", () => {
  const ours = '<script id="live-frame" type="application/json">{"error": {"code": "refused_4403"}}</script>';
  assert.equal(joinRefusal(403, ours), null);
  const rateLimited = '<script id="live-frame" type="application/json">{"error": {"code": "rate_limited"}}</script>';
  assert.equal(joinRefusal(429, rateLimited), null);
  assert.equal(joinRefusal(400, '<script id="live-frame" type="application/json">{}</script>'), null);
});
