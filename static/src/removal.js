// data-live-remove="fade-out 300ms" (docs/reference/javascript.md "Removal transitions"), as
// Phoenix's phx-remove with JS.hide/JS.transition: an element that a server update removes stays
// on the page for that time, with those classes and `inert`, then goes.
//
// htmx 4's morph has no hook before it removes a node (its #removeNode, and a stream's delete
// swap, remove at once), so the element is put back right after the swap, where it was, in the
// same task (nothing is painted without it), as a "ghost": the element itself, detached from
// the server's markup. Before each later swap of its root the ghosts leave again, so the morph
// never sees them (no sibling is paired with one, no id is found twice), and come back after it
// unless the server rendered their id again or their parent went. Under prefers-reduced-motion
// nothing is put back.
//
// Shipped with the JS commands in live_views.hooks.min.js (commands.js imports it).
const ghosts = new Map(); // element -> its timeout
const places = new Map(); // live root -> what its swap under way may remove, and where
const reduced = matchMedia("(prefers-reduced-motion: reduce)");
const rootOf = (evt) => (evt.target.matches?.("[data-live-root]") ? evt.target : null);
const TIME = /^\d+(\.\d+)?m?s$/;

// A hook in an element that leaves for good hears `destroyed` now (hooks.js), not when the swap
// took the element out for a moment: it was still shown, as Phoenix destroys on removal.
const gone = (el) => window.liveViewsHooks?.gone(el);

function forget(el) {
  clearTimeout(ghosts.get(el));
  ghosts.delete(el);
  el.remove();
  gone(el);
}

// Whether `el`, out of the page, is in an element this script may put back (hooks.js asks, as
// it syncs after a swap): its hooks wait for gone().
window.liveViewsRemoval = {
  holds: (el) => [...ghosts.keys(), ...[...places.values()].flat().map((place) => place.el)].some((held) => held.contains(el)),
};

// Before the swap: each marked element's parent and its siblings then, in order (one list per
// parent, so a 1,000-row list costs one pass). The ghosts then leave. In the capture phase, so
// before the glue's own listeners look at the page (streams.js looks items up by id).
addEventListener(
  "htmx:before:swap",
  (evt) => {
    const root = rootOf(evt);
    if (!root) return;
    const lists = new Map(); // parent -> Map(child -> index)
    const marked = [...root.querySelectorAll("[data-live-remove]")].map((el) => {
      const parent = el.parentElement;
      if (!lists.has(parent)) lists.set(parent, new Map([...parent.children].map((child, i) => [child, i])));
      return { el, parent, siblings: lists.get(parent), wasGhost: ghosts.has(el) };
    });
    places.set(root, marked);
    for (const el of ghosts.keys()) if (root.contains(el)) el.remove();
  },
  true,
);

// After the frame's swap (and the glue's handling of it: hooks in a removed element wait for
// gone()): what was removed comes back, before the first later sibling still there; what does
// not is gone.
htmx.on("htmx:ws:after:message:incoming", (evt) => {
  const root = rootOf(evt);
  const marked = root && places.get(root);
  if (!marked) return;
  places.delete(root);
  const fresh = [];
  for (const { el, parent, siblings, wasGhost } of marked) {
    const ghost = ghosts.has(el);
    // Kept by the morph (or inside a ghost put back), or a ghost whose time ran out meanwhile.
    if (el.isConnected || wasGhost !== ghost) continue;
    if (!parent.isConnected || (el.id && document.getElementById(el.id)) || (!ghost && reduced.matches)) {
      if (ghost) forget(el);
      else gone(el);
      continue;
    }
    const after = [...siblings].slice(siblings.get(el) + 1);
    parent.insertBefore(el, after.find(([sibling]) => sibling.parentElement === parent)?.[0] ?? null);
    if (!ghost) fresh.push(el);
  }
  // Read once the ghosts are back, so their classes start CSS transitions from what they show.
  for (const el of fresh) getComputedStyle(el).opacity;
  fresh.forEach(fade);
});

// Seconds of a computed list ("0.2s, 1s") with their delays, in milliseconds.
const ends = (durations, delays) => {
  const after = delays.split(",");
  return durations.split(",").map((d, i) => (parseFloat(d) + parseFloat(after[i % after.length])) * 1e3 || 0);
};

function fade(el) {
  const words = el.dataset.liveRemove.split(/\s+/).filter(Boolean);
  const time = words.find((word) => TIME.test(word));
  el.inert = true;
  el.classList.add(...words.filter((word) => word !== time));
  // Without a time: the longest transition or animation its classes start, at most 2 s.
  const style = getComputedStyle(el);
  const ms = time
    ? parseFloat(time) * (time.endsWith("ms") ? 1 : 1e3)
    : Math.min(2e3, Math.max(0, ...ends(style.transitionDuration, style.transitionDelay), ...ends(style.animationDuration, style.animationDelay)));
  if (!ms) return el.remove(), gone(el);
  ghosts.set(el, setTimeout(forget, ms, el));
}
