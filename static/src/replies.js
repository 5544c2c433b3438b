// Events a script sends (a hook's pushEvent, a live_every tick) as promises that settle with
// their replies. In the glue itself, not in the hooks' script: polling uses them too, and a
// reply (or a lost connection) must find its promise whenever that script arrived.
const replies = new Map(); // ref -> {resolve, reject, el}: promises waiting for the server
let sendEvent; // set by the script that sends (script_events.js), as it loads

// The function that sends an event frame and returns its ref.
export function setSender(send) {
  sendEvent = send;
}

// `el` tells where it goes (script_events.js); none: to the page. `to`: pushEventTo's.
export const push = (name, args, el, to) =>
  new Promise((resolve, reject) => {
    replies.set(sendEvent(name, args, el, to), { resolve, reject, el });
  });

// A frame answering one of them settles its promise.
export function settleReply(ref, error, reply) {
  const waiting = replies.get(ref);
  if (!waiting) return;
  replies.delete(ref);
  if (error) waiting.reject(Object.assign(new Error(error.message), error));
  else waiting.resolve(reply ?? null);
}

// The socket of `root` closed: what was sent on it will not be answered. On a page that is not
// live each live component has its own socket: an event of an element the page no longer
// holds, or of none, goes with any.
export function rejectReplies(root) {
  for (const [sent, { reject, el }] of replies) {
    if ((el?.closest("[data-live-root]") ?? root) !== root) continue;
    replies.delete(sent);
    reject(new Error("live_views: connection lost"));
  }
}
