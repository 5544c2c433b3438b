import assert from "node:assert/strict";
import { test } from "node:test";

import { keepWithin } from "../src/streams.js";

test("a positive limit drops items from the end", () => {
  assert.deepEqual(keepWithin([1, 2, 3, 4], 3), [4]);
});

test("a negative limit drops items from the start", () => {
  assert.deepEqual(keepWithin([1, 2, 3, 4, 5], -3), [1, 2]);
});

test("within the limit, or without one, nothing is dropped", () => {
  assert.deepEqual(keepWithin([1, 2], 3), []);
  assert.deepEqual(keepWithin([1, 2], 0), []);
  assert.deepEqual(keepWithin([1, 2], Number.NaN), []);
});
