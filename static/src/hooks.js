// Hooks (README "JavaScript hooks, events both ways"): an element with data-live-hook="Chart"
// gets the callbacks of liveViews.hooks.Chart, defined by the page's own script, with `this.el`,
// `this.pushEvent(name, args)` and `this.handleEvent(name, callback)`, as Phoenix's phx-hook.
// Hooks mount once the page has joined its socket; the lifecycle follows what the page shows.
const hooked = new Map(); // element -> hook instance
const handlersOf = new WeakMap(); // hook -> its handleEvent callbacks
const nameOf = new WeakMap(); // hook -> the data-live-hook it was mounted for
const replies = new Map(); // ref -> {resolve, reject, el}: pushEvent promises waiting for the server
let sendEvent; // set by live_views.js as it loads, before any hook can mount (on a join)

// live_views.js gives the function that sends an event frame and returns its ref.
export function setSender(send) {
  sendEvent = send;
}

function definitions() {
  return window.liveViews?.hooks ?? {};
}

// A page script's exception must not stop the glue (or the other hooks).
function call(hook, name, ...args) {
  try {
    hook[name]?.(...args);
  } catch (error) {
    console.error("live_views: hook", name, error);
  }
}

// An event from a script (a hook's pushEvent, a live_every tick): settles with its reply.
// `el` tells where it goes (live_views.js, sendEvent); none: to the page. `to`: pushEventTo's.
export const push = (name, args, el, to) =>
  new Promise((resolve, reject) => {
    replies.set(sendEvent(name, args, el, to), { resolve, reject, el });
  });

function create(el, definition) {
  const handlers = new Map(); // callback -> event name
  const hook = Object.assign(Object.create(definition), {
    el,
    pushEvent(name, args) {
      return push(name, args, el);
    },
    // To the live component that holds `target` (a selector, or an element), or the page's view.
    pushEventTo(target, name, args) {
      const to = target.nodeType ? target : document.querySelector(target);
      return to ? push(name, args, to, 1) : Promise.reject(new Error(`live_views: pushEventTo: no ${target}`));
    },
    handleEvent(name, callback) {
      handlers.set(callback, name);
      return callback;
    },
    removeHandleEvent(callback) {
      handlers.delete(callback);
    },
  });
  handlersOf.set(hook, handlers); // not on the hook: its own properties are the page's
  return hook;
}

// After a frame's content was swapped (`changes`: the MutationRecords of its swap): hooks whose
// element left the page, or whose data-live-hook the update changed or removed, are destroyed,
// those whose element or something in it changed updated (a morph that kept the element, a
// stream item updated in place, a liveblock inside it; not every swap of the block around it),
// new ones mounted (an element kept with another hook name gets that hook, as with phx-hook).
// Only the hooked elements are watched through a swap: a page with no hook (or a 1,000-row
// morph outside them) costs the observer nothing.
export function watchHooked(observer) {
  for (const el of hooked.keys()) observer.observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
}

export function syncHooks(changes) {
  for (const [el, hook] of hooked) {
    if (!el.isConnected || el.dataset.liveHook !== nameOf.get(hook)) {
      hooked.delete(el);
      call(hook, "destroyed");
    }
  }
  for (const el of document.querySelectorAll("[data-live-hook]")) {
    const existing = hooked.get(el);
    if (existing) {
      if (changes.some((change) => el.contains(change.target))) call(existing, "updated");
      continue;
    }
    const name = el.dataset.liveHook;
    const definition = definitions()[name];
    if (!definition) {
      console.warn("live_views: no hook", name);
      continue;
    }
    const hook = create(el, definition);
    hooked.set(el, hook);
    nameOf.set(hook, name);
    call(hook, "mounted");
  }
}

// A socket closed, or a page (or a live component on a page that is not live) joined on it.
// Hooks hear of a loss once: hx-ws's reconnect attempts that fail while the server is away
// close again and again. `root`: the element of that socket. On a page that is not live each
// live component has its own: only the hooks inside it hear, and only the events sent on it
// are lost (an event of an element the page no longer holds, or of none, goes with any).
const joined = new WeakMap(); // root -> true once joined, false once its socket closed after
const inRoot = (el) => el?.closest("[data-live-root]");

export function connectionLost(root) {
  for (const [sent, { reject, el }] of replies) {
    if ((inRoot(el) ?? root) !== root) continue;
    replies.delete(sent);
    reject(new Error("live_views: connection lost"));
  }
  if (!joined.get(root)) return;
  joined.set(root, false);
  for (const [el, hook] of hooked) if (inRoot(el) === root) call(hook, "disconnected");
}

// Called before the join's swap is synced: an element that swap removed (or gave another hook)
// is destroyed, not told.
export function pageJoined(root) {
  if (joined.get(root) === false) {
    for (const [el, hook] of hooked) {
      if (inRoot(el) === root && el.dataset.liveHook === nameOf.get(hook)) call(hook, "reconnected");
    }
  }
  joined.set(root, true);
}

export function destroyAll() {
  for (const [el, hook] of hooked) {
    hooked.delete(el);
    call(hook, "destroyed");
  }
}

// A server push: to every handleEvent for `name`.
export function deliver(name, payload) {
  for (const hook of [...hooked.values()]) {
    for (const [callback, handled] of handlersOf.get(hook)) {
      if (handled !== name) continue;
      try {
        callback.call(hook, payload);
      } catch (error) {
        console.error("live_views: handleEvent", name, error);
      }
    }
  }
}

// A frame answering one of the hooks' pushEvent() calls settles its promise.
export function settleReply(ref, error, reply) {
  const waiting = replies.get(ref);
  if (!waiting) return;
  replies.delete(ref);
  if (error) waiting.reject(Object.assign(new Error(error.message), error));
  else waiting.resolve(reply ?? null);
}
