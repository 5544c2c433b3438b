// Hooks (hooks.js) ship as live_views.hooks.min.js, with the JS commands (commands.js) and the
// removal transitions (removal.js) and the focus wrap (focus_wrap.js): a page loads it once it
// shows an element with data-live-hook, data-live-js, data-live-remove or data-live-focus-wrap
// (hidden, too: a dialog the page will show). Until it has run there
// is no hook to tell anything, so these calls do nothing; what it needs to know of the time
// before (which sockets have joined) is kept here: hooks.js mounts a hook once its root has
// joined (`document`: any root, for a hook outside every root).
import { loadIfShown } from "./lazy_script.js";
import { rejectReplies } from "./replies.js";

const hooks = () => window.liveViewsHooks; // set by hooks.js as it runs
let joined = new WeakMap(); // root -> true once joined, false once its socket closed after

// The element with commands the last click before that script ran was on (none: a click
// elsewhere): commands.js runs its commands once it has. Not what was clicked: a later render
// may give it, or an element around it, commands the click was never on.
addEventListener("click", (evt) => hooks() || (window.liveViewsGlue.clicked = evt.target.closest?.("[data-live-js]")));

export const loadHooksIfShown = () => loadIfShown("[data-live-hook],[data-live-js],[data-live-remove],[data-live-focus-wrap]", "live_views.hooks.min.js");
export const hasJoined = (root) => joined.get(root);
export const watchHooked = (observer) => hooks()?.watchHooked(observer);
export const syncHooks = (changes) => hooks()?.syncHooks(changes);
export const deliver = (name, payload) => hooks()?.deliver(name, payload);

// visit.js swaps in another live page: its hooks wait for its own join.
export function destroyAll() {
  joined = new WeakMap();
  hooks()?.destroyAll();
}

// A socket closed (`root`: the element of that socket). Hooks hear of a loss once: hx-ws's
// reconnect attempts that fail while the server is away close again and again.
export function connectionLost(root) {
  rejectReplies(root);
  if (!joined.get(root)) return;
  joined.set(root, false);
  hooks()?.tell(root, "disconnected");
}

// Called before the join's swap is synced: an element that swap removed (or gave another hook)
// is destroyed, not told.
export function pageJoined(root) {
  if (joined.get(root) === false) hooks()?.tell(root, "reconnected");
  joined.set(root, true).set(document, true);
}
