// data-live-focus-wrap (docs/reference/javascript.md "Focus wrap"), as Phoenix's <.focus_wrap>:
// while the element is shown, Tab from its last tab stop goes to its first, Shift+Tab from its
// first to its last, and a Tab from outside it goes in. Nothing is set up per element: each Tab
// looks at the wraps the page shows then, so one that an update inserts or shows traps from the
// next key on, and one removed or hidden no longer does.
// As it comes to be shown it takes the focus, and as it goes it gives it back (WAI-ARIA's dialog
// pattern): see "Moving the focus in and back" below.
//
// Phoenix puts a focusable sentinel at each end of the content; ours would be markup of the
// browser's that the server's morph takes out again. The key is handled instead: the browser
// moves the focus as usual inside the wrap, and only a move that would leave it is changed.
//
// Shipped with the JS commands in live_views.hooks.min.js (commands.js imports it), loaded for a
// page that shows an element with data-live-focus-wrap (hooks_loader.js).
import { focusables, focused, tabStop } from "./focusable.js";
import { remember } from "./sticky.js";

// Shown: laid out and visible (not `hidden`, nor in a hidden or display:none element), and not
// inert (a removal transition's ghost).
const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest("[inert]");
const WRAP = "[data-live-focus-wrap]";
let moving = null; // while a Tab that the browser moves is under way: { wrap, back }

// The wrap that holds the focus (the innermost), else the last of the outermost ones the page
// shows: a dialog an update rendered while the focus is on the button that asked for it.
function trap() {
  const wraps = shownWraps();
  const active = document.activeElement;
  return wraps.findLast((wrap) => wrap.contains(active)) ?? lastOutermost(wraps);
}

const shownWraps = () => [...document.querySelectorAll(WRAP)].filter(shown);
const lastOutermost = (wraps) => wraps.findLast((wrap) => !wraps.some((outer) => outer !== wrap && outer.contains(wrap)));

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

// Moving the focus in and back, as WAI-ARIA's dialog pattern asks (and Phoenix's show_modal, which
// focuses the first element of the modal's content): a keyboard or screen reader user is put in
// the wrap the page comes to show, and back where they were once it goes.
// Every change to the page is looked at (a server's update, a JS command, a script of the page's
// own, and what its CSS shows on an event: see the observer below): the wraps shown now, against
// those shown at the last look. What CSS alone shows (:hover, a media query) is not seen.
const origins = new WeakMap(); // wrap -> where the focus came from as it first went in (null: none)
let lost = null; // the element that last lost the focus to none as it went (removed, hidden, inert)
let known = []; // the wraps shown at the last look

document.addEventListener("focusin", (evt) => {
  lost = null;
  for (let wrap = evt.target.closest?.(WRAP); wrap; wrap = wrap.parentElement?.closest(WRAP)) {
    if (!wrap.contains(evt.relatedTarget) && !origins.has(wrap)) origins.set(wrap, evt.relatedTarget);
  }
});
// To none: the browser says so before it removes the element. Once that change is done, one still
// shown lost it to a click on the page's background, or to another window: it was not taken away.
document.addEventListener("focusout", (evt) => {
  lost = evt.relatedTarget ? null : evt.target;
  queueMicrotask(() => lost && shown(lost) && (lost = null));
});

// Takes the focus: the wrap's [autofocus], else its first element that takes it (as the `focus-first`
// command), else the wrap itself, out of the Tab order unless it has a tabindex of its own.
function focusIn(wrap) {
  if ([...wrap.querySelectorAll("[autofocus]"), ...focusables(wrap)].find(focused)) return;
  if (!wrap.hasAttribute("tabindex")) {
    // Kept through the updates that render the wrap again without one (sticky.js): else their
    // morph takes it off, and the browser the focus with it (to <body>).
    remember(wrap, "tabindex", null);
    wrap.tabIndex = -1;
  }
  wrap.focus();
}

// `atLoad`: the page's own wraps as it loads (or a live navigation swaps it in): the focus is
// where the browser left it, except that a modal dialog takes it, as a page that opens with one.
function look(atLoad) {
  const now = shownWraps();
  for (const wrap of known) {
    if (now.includes(wrap)) continue;
    const back = origins.get(wrap);
    origins.delete(wrap);
    // Only with the focus in it: hidden or inert, it holds it until the browser's next style
    // update; removed, it lost it. Back to the element it came from, or (an update rendered that
    // again) the one with its id, if it takes the focus.
    if (atLoad || !(wrap.contains(document.activeElement) || wrap.contains(lost))) continue;
    const to = back?.isConnected ? back : back?.id && document.getElementById(back.id);
    if (to) focused(to);
  }
  const opened = now.filter((wrap) => !known.includes(wrap) && (!atLoad || wrap.matches("[aria-modal=true]")));
  known = now;
  const wrap = lastOutermost(opened); // several at once: as trap() picks
  if (wrap && !wrap.contains(document.activeElement)) focusIn(wrap);
}

new MutationObserver(() => look()).observe(document, { subtree: true, childList: true, attributes: true });
// What shows or hides one with no change to the page's elements: a popover (`toggle`, which does
// not bubble: captured), `:target` (`hashchange`), a checkbox's `:checked` (`change`).
for (const type of ["toggle", "hashchange", "change"]) addEventListener(type, () => look(), true);
// This script runs before the load event if the page showed a wrap (or a hook, a command) as it
// loaded: the glue adds it then, which holds that event back. After it, an update showed the
// first. Looked at again at load: styles that arrived since may show or hide one.
const loading = document.readyState !== "complete";
look(loading);
if (loading) addEventListener("load", () => look(true));
document.addEventListener("live:page-loading-stop", () => look(true));
