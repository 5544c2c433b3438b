import assert from "node:assert/strict";
import { test } from "node:test";

import { keyListed } from "../src/keys.js";

test("only a key the attribute lists sends the event", () => {
  assert.equal(keyListed("Escape", "Escape"), true);
  assert.equal(keyListed("Escape Enter", "Enter"), true);
  assert.equal(keyListed("Escape Enter", "a"), false);
  assert.equal(keyListed("Escape", "Esc"), false, "a whole key, not a prefix");
  assert.equal(keyListed("EscapeEnter", "Escape"), false);
});

test("keys compare without regard to case, as Phoenix's phx-key does", () => {
  assert.equal(keyListed("escape", "Escape"), true);
  assert.equal(keyListed("k", "K"), true, "with Shift held");
});

test("spaces and new lines separate the names; no key sends nothing", () => {
  assert.equal(keyListed("  Escape\n  Enter ", "Enter"), true);
  assert.equal(keyListed("", ""), false);
  assert.equal(keyListed("Escape", undefined), false, "a keydown with no key (Chrome's autofill)");
  assert.equal(keyListed(" ", " "), false);
});

test("the space bar, whose key is a space, is named Space", () => {
  assert.equal(keyListed("Escape Space", " "), true);
  assert.equal(keyListed("space", " "), true);
  assert.equal(keyListed("Escape", " "), false);
  assert.equal(keyListed("Space", "s"), false);
});
