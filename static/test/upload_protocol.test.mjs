import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { eventFrame } from "../src/protocol.js";
import {
  newRef,
  progressDetail,
  readAnswer,
  tokenOf,
  uploadHeaders,
  withoutFiles,
} from "../src/upload_protocol.js";

describe("tokenOf", () => {
  test("reads the connect token from the socket URL", () => {
    assert.equal(tokenOf("/app/live/ws/?t=abc%3A123"), "abc:123");
  });

  test("a URL without one gives an empty token", () => {
    assert.equal(tokenOf("/live/ws/"), "");
    assert.equal(tokenOf(null), "");
  });
});

describe("uploadHeaders", () => {
  test("names the field, percent-encodes the file name and sends the size", () => {
    const file = { name: "naïve résumé.pdf", size: 1234 };
    const headers = uploadHeaders({ token: "T", field: "cv", file, step: "check", csrf: "C" });
    assert.deepEqual(headers, {
      "X-Live-Token": "T",
      "X-Live-Upload-Field": "cv",
      "X-Live-Upload-Name": "na%C3%AFve%20r%C3%A9sum%C3%A9.pdf",
      "X-Live-Upload-Size": "1234",
      "X-Live-Upload-Step": "check",
      "X-CSRFToken": "C",
    });
  });

  test("a further file of a multiple selection appends", () => {
    const file = { name: "b.txt", size: 1 };
    const headers = uploadHeaders({ token: "T", field: "f", file, step: "send", append: true });
    assert.equal(headers["X-Live-Upload-Append"], "1");
    assert.equal("X-CSRFToken" in headers, false);
    assert.equal("X-Live-Upload-Component" in headers, false);
  });

  test("a live component's input names the component", () => {
    const file = { name: "a.txt", size: 1 };
    const component = "0123456789abcdef";
    const headers = uploadHeaders({ token: "T", field: "f", file, step: "check", component });
    assert.equal(headers["X-Live-Upload-Component"], component);
  });

  test("a chosen file's ref names it, so the browser can remove it", () => {
    const file = { name: "", size: 0 };
    const headers = uploadHeaders({ token: "T", field: "f", file, step: "cancel", ref: "r1" });
    assert.equal(headers["X-Live-Upload-Ref"], "r1");
    assert.equal(headers["X-Live-Upload-Step"], "cancel");
  });
});

describe("newRef", () => {
  test("is new each time, and what the server takes as a ref", () => {
    const refs = new Set(Array.from({ length: 100 }, newRef));
    assert.equal(refs.size, 100);
    for (const ref of refs) assert.match(ref, /^[A-Za-z0-9_-]{1,64}$/);
  });
});

describe("progressDetail", () => {
  test("scales the request's bytes to the file's", () => {
    const file = { name: "a.bin", size: 1000 };
    assert.deepEqual(progressDetail("f", file, 550, 1100, "r1"), {
      field: "f",
      name: "a.bin",
      loaded: 500,
      total: 1000,
      ref: "r1",
    });
    assert.equal(progressDetail("f", file, 1100, 1100).loaded, 1000);
    assert.equal(progressDetail("f", file, 5, 0).loaded, 0);
  });
});

describe("readAnswer", () => {
  test("ok only for a 200 that says so", () => {
    assert.deepEqual(readAnswer(200, '{"ok": true, "name": "a"}'), { ok: true });
    assert.deepEqual(readAnswer(422, '{"errors": ["too big"]}'), {
      ok: false,
      errors: ["too big"],
      refused: true,
      tooLarge: false,
      gone: false,
    });
  });

  test("gone: the route's own 404, which for a remove says it holds no such file", () => {
    assert.equal(readAnswer(404, '{"errors": ["\'a\' has no pending upload"]}').gone, true);
    assert.equal(readAnswer(403, '{"errors": ["CSRF verification failed"]}').gone, false);
    assert.equal(readAnswer(404, "<html>Not found</html>").gone, false); // a proxy's: no answer
  });

  test("a proxy's 413 (not the route's JSON) is a body limit, which no retry gets past", () => {
    const answer = readAnswer(413, "<html><center>413 Request Entity Too Large</center></html>");
    assert.equal(answer.refused, false);
    assert.equal(answer.tooLarge, true);
    // The route's own 413 says why in JSON: a refusal, recorded for the field already.
    assert.equal(readAnswer(413, '{"errors": ["The request is 9 bytes"]}').tooLarge, false);
    assert.equal(readAnswer(502, "<html>Bad gateway</html>").tooLarge, false);
  });

  test("a proxy's HTML error page, or no answer, is a failure with a message, not a refusal", () => {
    const answer = readAnswer(502, "<html>Bad gateway</html>");
    assert.equal(answer.ok, false);
    assert.equal(answer.refused, false);
    assert.match(answer.errors[0], /HTTP 502/);
    assert.equal(readAnswer(0, "").refused, false);
  });
});

describe("withoutFiles", () => {
  test("drops File values, keeps text, and frames carry no files", () => {
    const file = new File(["x"], "x.txt");
    const empty = new File([], "");
    const values = { title: "T", file, many: [file, empty], tags: ["a", file, "b"] };
    assert.deepEqual(withoutFiles(values), { title: "T", tags: ["a", "b"] });
    const frame = JSON.parse(eventFrame({ liveEvent: "submit" }, values, 1));
    assert.deepEqual(frame.form, { title: "T", tags: ["a", "b"] });
  });
});
