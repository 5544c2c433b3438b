// data-live-key="Escape Enter" on a {% live_on %} element sent on a key event: only those keys
// send it (Phoenix's phx-key), compared as Phoenix does, without regard to case; the space bar's
// key, " ", is named Space, as the list is split on spaces. htmx's own
// filter, `keydown[key=='Escape']`, is JavaScript it compiles, which a strict CSP refuses.
export function keyListed(names, key) {
  return !!key && names.toLowerCase().split(/\s+/).includes(key == " " ? "space" : key.toLowerCase());
}

// Whether the element is sent on a key event (`keydown from:body`, `keyup, click`): data-live-key
// filters those only.
export const keyTrigger = (el) => /\bkey(down|up|press)\b/.test(el.getAttribute("hx-trigger"));
