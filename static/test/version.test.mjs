import assert from "node:assert/strict";
import { test } from "node:test";

import { versionMismatch } from "../src/version.js";

test("matching versions say nothing", () => {
  assert.equal(versionMismatch("0.1.0", "0.1.0"), null);
});

test("a mismatch names both versions and the fix", () => {
  const message = versionMismatch("0.2.0", "0.1.0");
  assert.match(message, /JS 0\.1\.0 != server 0\.2\.0/);
  assert.match(message, /collectstatic/);
});

test("an unknown version on either side is not a mismatch", () => {
  assert.equal(versionMismatch("", "0.1.0"), null);
  assert.equal(versionMismatch("0.1.0", ""), null);
});
