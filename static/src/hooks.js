// Hooks (README "JavaScript hooks, events both ways"): an element with data-live-hook="Chart"
// gets the callbacks of liveViews.hooks.Chart, defined by the page's own script, with `this.el`,
// `this.pushEvent(name, args)` and `this.handleEvent(name, callback)`, as Phoenix's phx-hook.
// A hook mounts once its root (the page's, or a live component's with a socket of its own) has
// joined its socket, as Phoenix's once its LiveView has; the lifecycle follows what the page
// shows. Shipped as live_views.hooks.min.js, loaded for a page that shows a hook
// (hooks_loader.js): it shares no module state with the glue, which hands it `push` and
// `hasJoined` in window.liveViewsGlue and calls it through window.liveViewsHooks.
import { sendEvent } from "./script_events.js";

const hooked = new Map(); // element -> hook instance
const handlersOf = new WeakMap(); // hook -> its handleEvent callbacks
const nameOf = new WeakMap(); // hook -> the data-live-hook it was mounted for
const unknown = new Set(); // data-live-hook names with no definition, warned of once
const glue = () => window.liveViewsGlue;
glue().setSender(sendEvent);

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

// An event from a script (replies.js): `el` the hook's element, `to` pushEventTo's.
const push = (...args) => glue().push(...args);

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
function watchHooked(observer) {
  for (const el of hooked.keys()) observer.observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
}

function destroy(el, hook) {
  hooked.delete(el);
  call(hook, "destroyed");
}

// An element out of the page that a removal transition may put back (removal.js, in this
// script's bundle) is not destroyed yet: it is, once, when that script says it is gone.
const held = (el) => window.liveViewsRemoval?.holds(el);

function syncHooks(changes) {
  for (const [el, hook] of hooked) {
    if (el.isConnected ? el.dataset.liveHook !== nameOf.get(hook) : !held(el)) destroy(el, hook);
  }
  for (const el of document.querySelectorAll("[data-live-hook]")) {
    const existing = hooked.get(el);
    if (existing) {
      if (changes.some((change) => el.contains(change.target))) call(existing, "updated");
      continue;
    }
    // Every root's frame syncs the whole page: one whose root has not joined yet waits for it
    // (else it would hear nothing of a socket that closes before it joined).
    if (!glue().hasJoined(el.closest("[data-live-root]") ?? document)) continue;
    const name = el.dataset.liveHook;
    const definition = definitions()[name];
    if (!definition) {
      // Once per name: each later update would say it again. Listing the defined ones shows a typo.
      if (!unknown.has(name)) {
        unknown.add(name);
        const defined = Object.keys(definitions()).join(", ") || "none";
        console.warn(`live_views: data-live-hook="${name}" names no hook: define liveViews.hooks.${name} = { mounted() {…} } in the page's script (defined: ${defined})`, el);
      }
      continue;
    }
    const hook = create(el, definition);
    hooked.set(el, hook);
    nameOf.set(hook, name);
    call(hook, "mounted");
  }
}

// A socket closed, or joined again (hooks_loader.js): the hooks inside its root (`root`) hear
// `what`. On a page that is not live each live component has its own socket: only the hooks
// inside it hear. Reconnected: only a hook whose element still asks for it.
function tell(root, what) {
  for (const [el, hook] of hooked) {
    if (el.closest("[data-live-root]") !== root) continue;
    if (what === "disconnected" || el.dataset.liveHook === nameOf.get(hook)) call(hook, what);
  }
}

function destroyAll() {
  for (const [el, hook] of hooked) destroy(el, hook);
}

// An element removal.js took off the page for good: the hooks in it.
function gone(removed) {
  for (const [el, hook] of hooked) if (!el.isConnected && removed.contains(el)) destroy(el, hook);
}

// A server push: to every handleEvent for `name`.
function deliver(name, payload) {
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

window.liveViewsHooks = { watchHooked, syncHooks, tell, deliver, destroyAll, gone };
// The hooks of roots that joined before this script arrived mount now.
syncHooks([]);
