// Events the page sent that the server has not answered yet, by ref: the bookkeeping behind the
// loading feedback (loading.js). No DOM here, so node:test covers it.

export class PendingEvents {
  #byRef = new Map();

  // `element` is the sender; `name` the event. The event may still wait in hx-ws's queue.
  start(ref, element, name) {
    this.#byRef.set(ref, { ref, element, name, sent: false });
  }

  // The event went out on the socket.
  sent(ref) {
    const entry = this.#byRef.get(ref);
    if (entry) entry.sent = true;
  }

  // Its reply arrived: the entry, now settled, or undefined for a ref that is not pending.
  settle(ref) {
    const entry = this.#byRef.get(ref);
    this.#byRef.delete(ref);
    return entry;
  }

  // The socket closed. Events it carried will never be answered (the next socket mounts a new
  // instance); events still queued are sent after the reconnect, or dropped with hx-ws's queue
  // when it will not reconnect.
  closed(willReconnect) {
    const unanswered = [];
    const unsent = [];
    for (const entry of this.#byRef.values()) {
      if (entry.sent) unanswered.push(entry);
      else if (!willReconnect) unsent.push(entry);
    }
    for (const entry of [...unanswered, ...unsent]) this.#byRef.delete(entry.ref);
    return { unanswered, unsent };
  }

  // hx-ws refused to queue the event `element` just tried to send (its queue is full).
  dropLatest(element) {
    const entry = this.entries().reverse().find((e) => e.element === element && !e.sent);
    if (entry) this.#byRef.delete(entry.ref);
    return entry;
  }

  isBusy(element) {
    return this.entries().some((entry) => entry.element === element);
  }

  entries() {
    return [...this.#byRef.values()];
  }
}

// Whether hx-ws will open a new socket after a close with `code` (its own rule, from its config).
export function willReconnect(config, code) {
  return Boolean(config?.reconnect) && (config.reconnectCodes ?? []).includes(code);
}
