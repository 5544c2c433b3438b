// data-live-focus-wrap (docs/reference/javascript.md "Focus wrap"), as Phoenix's <.focus_wrap>:
// while the element is shown, Tab from its last tab stop goes to its first, Shift+Tab from its
// first to its last, and a Tab from outside it goes in. Nothing is set up per element: each Tab
// looks at the wraps the page shows then, so one that an update inserts or shows traps from the
// next key on, and one removed or hidden no longer does.
//
// Phoenix puts a focusable sentinel at each end of the content; ours would be markup of the
// browser's that the server's morph takes out again. The key is handled instead: the browser
// moves the focus as usual inside the wrap, and only a move that would leave it is changed.
//
// Shipped with the JS commands in live_views.hooks.min.js (commands.js imports it), loaded for a
// page that shows an element with data-live-focus-wrap (hooks_loader.js).
import { focusables, focused, tabStop } from "./focusable.js";

// Shown: laid out and visible (not `hidden`, nor in a hidden or display:none element), and not
// inert (a removal transition's ghost).
const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest("[inert]");
let moving = null; // while a Tab that the browser moves is under way: { wrap, back }

// The wrap that holds the focus (the innermost), else the last of the outermost ones the page
// shows: a dialog an update rendered while the focus is on the button that asked for it.
function trap() {
  const wraps = [...document.querySelectorAll("[data-live-focus-wrap]")].filter(shown);
  const active = document.activeElement;
  return wraps.findLast((wrap) => wrap.contains(active)) ?? wraps.findLast((wrap) => !wraps.some((outer) => outer !== wrap && outer.contains(wrap)));
}

// Focuses the first tab stop of `wrap` that takes the focus (`back`: the last).
const enter = (wrap, back) => {
  const stops = focusables(wrap).filter(tabStop);
  (back ? stops.reverse() : stops).find(focused);
};

// In the bubble phase: a widget of the page's own that uses Tab (and prevents its default)
// comes first.
document.addEventListener("keydown", (evt) => {
  if (evt.key !== "Tab" || evt.altKey || evt.ctrlKey || evt.metaKey || evt.defaultPrevented) return;
  const wrap = trap();
  if (!wrap) return;
  const back = evt.shiftKey;
  const stops = focusables(wrap).filter(tabStop);
  // Nothing in it to go round (a panel still empty): Tab is the browser's, not swallowed.
  if (!stops.length) return;
  const active = document.activeElement;
  if (wrap.contains(active) && active !== (back ? stops[0] : stops.at(-1))) {
    // The browser's move, in its own order, which may still leave the wrap: a radio group is one
    // stop, a positive tabindex elsewhere comes first. focusin below brings the focus back then.
    moving = { wrap, back };
    setTimeout(() => (moving = null));
    return;
  }
  // From its last stop (Shift+Tab: first), or from outside it.
  evt.preventDefault();
  enter(wrap, back);
});

document.addEventListener("focusin", (evt) => {
  const move = moving;
  if (!move || move.wrap.contains(evt.target)) return;
  moving = null;
  enter(move.wrap, move.back); // past one end: the other
});
