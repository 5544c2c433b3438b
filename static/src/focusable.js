// What takes the focus, for the `focus` and `focus-first` commands (commands.js) and
// data-live-focus-wrap (focus_wrap.js): one definition, as Phoenix's aria.js is for its
// JS.focus_first and <.focus_wrap>.
const FOCUSABLE = 'a[href],area[href],button,input,select,textarea,iframe,summary,[contenteditable],[tabindex]:not([tabindex="-1"])';

// What inside `container` may take the focus, in the page's order (as Phoenix's focus_first
// looks for): a disabled or hidden one is listed, but does not take it.
export const focusables = (container) => [...container.querySelectorAll(FOCUSABLE)];

// Whether `el` took the focus: a disabled, hidden or inert one does not.
export const focused = (el) => (el.focus(), document.activeElement === el);

// Where Tab stops: a focusable element the user can see and reach, without tabindex="-1" (a
// button may have it), not disabled, not inside [inert] (a removal transition's ghost).
// checkVisibility: not hidden, in a `hidden` or display:none element, or visibility:hidden.
export const tabStop = (el) =>
  el.tabIndex >= 0 && !el.disabled && !el.closest("[inert]") && el.checkVisibility({ visibilityProperty: true });
