import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { PendingEvents, willReconnect } from "../src/pending.js";

const button = { id: "button" };
const form = { id: "form" };

describe("PendingEvents", () => {
  test("an event is pending from its start until its reply", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    assert.equal(pending.isBusy(button), true);
    assert.deepEqual(pending.settle(1), { ref: 1, element: button, name: "increment", sent: false });
    assert.equal(pending.isBusy(button), false);
    assert.equal(pending.settle(1), undefined, "a reply settles once");
  });

  test("an element stays busy until each of its events is answered", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    pending.start(2, button, "increment");
    pending.settle(1);
    assert.equal(pending.isBusy(button), true);
    pending.settle(2);
    assert.equal(pending.isBusy(button), false);
  });

  test("replies that answer nothing pending change nothing", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    for (const ref of [undefined, 2, "1"]) assert.equal(pending.settle(ref), undefined);
    assert.equal(pending.entries().length, 1);
  });

  test("a close loses the events the socket carried, and keeps the queued ones for the reconnect", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    pending.sent(1);
    pending.start(2, form, "add"); // queued by hx-ws: the socket was already closed
    const { unanswered, unsent } = pending.closed(true);
    assert.deepEqual(unanswered.map((e) => e.ref), [1]);
    assert.deepEqual(unsent, []);
    assert.deepEqual(pending.entries().map((e) => e.ref), [2]);
    assert.equal(pending.isBusy(button), false);
  });

  test("a close without a reconnect drops the queued events too", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    pending.sent(1);
    pending.start(2, form, "add");
    const { unanswered, unsent } = pending.closed(false);
    assert.deepEqual(unanswered.map((e) => e.ref), [1]);
    assert.deepEqual(unsent.map((e) => e.ref), [2]);
    assert.deepEqual(pending.entries(), []);
  });

  test("dropLatest drops the element's newest event not yet sent", () => {
    const pending = new PendingEvents();
    pending.start(1, button, "increment");
    pending.start(2, form, "add");
    pending.start(3, button, "increment");
    pending.sent(3);
    assert.equal(pending.dropLatest(button).ref, 1);
    assert.equal(pending.dropLatest(button), undefined);
    assert.deepEqual(pending.entries().map((e) => e.ref), [2, 3]);
  });
});

describe("willReconnect", () => {
  const config = { reconnect: true, reconnectCodes: [1001, 1005, 1006, 1011, 1012] };

  test("follows hx-ws's reconnect codes", () => {
    for (const code of [1001, 1005, 1006, 1011, 1012]) assert.equal(willReconnect(config, code), true);
    for (const code of [1000, 4403, 4401, null]) assert.equal(willReconnect(config, code), false);
  });

  test("not when reconnecting is off or the config is missing", () => {
    assert.equal(willReconnect({ ...config, reconnect: false }, 1006), false);
    assert.equal(willReconnect(undefined, 1006), false);
  });
});
