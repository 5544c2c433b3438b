import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { push, rejectReplies, setSender, settleReply } from "../src/replies.js";

// An element inside the live root `root` (the element of the socket its events go on).
const inside = (root) => ({ closest: (selector) => (selector === "[data-live-root]" ? root : null) });

describe("pushEvent promises and lost connections", () => {
  let ref = 0;
  setSender(() => ++ref);

  test("a component's socket that closes loses only the events sent on it", async () => {
    // A page that is not live, with two live components: each has a socket of its own.
    const first = { id: "first" };
    const second = { id: "second" };
    const onFirst = push("bump", { by: 2 }, inside(first));
    const firstRef = ref;
    const onSecond = push("bump", {}, inside(second));
    rejectReplies(second);
    await assert.rejects(onSecond, { message: "live_views: connection lost" });
    settleReply(firstRef, undefined, { bumps: 2 });
    assert.deepEqual(await onFirst, { bumps: 2 });
  });

  test("the page's socket that closes loses its events, those without an element too", async () => {
    const root = { id: "body" };
    const fromHook = push("save", {}, inside(root));
    const tick = push("tick", {}); // a live_every tick: to the page, no element
    rejectReplies(root);
    await assert.rejects(fromHook, { message: "live_views: connection lost" });
    await assert.rejects(tick, { message: "live_views: connection lost" });
  });

  test("an element the page no longer holds goes with whichever socket closes", async () => {
    const removed = push("bump", {}, inside(null)); // detached: closest() finds no root
    rejectReplies({ id: "any" });
    await assert.rejects(removed, { message: "live_views: connection lost" });
  });
});
