// JS commands (docs/reference/javascript.md "JS commands"), as Phoenix's JS.show/hide/toggle and
// JS.add_class/remove_class/toggle_class: a click on an element with
// data-live-js="toggle to #menu; add-class open to #nav" changes the page in the browser, with
// no server round trip and no inline script, so a strict CSP allows it.
//
// What a command changed stays through the server's re-renders, as Phoenix's "sticky"
// operations do: htmx's morph would reset the menu to what the server rendered. Each element
// remembers what the server had rendered of what a command changed (a class, `hidden`,
// `aria-expanded`); a re-render that still has that keeps the browser's state, one that
// renders something else wins (the server closed the menu on purpose).
//
// Shipped inside live_views.hooks.min.js (build.mjs), loaded for a page that shows an element
// with data-live-hook or data-live-js (hooks_loader.js): the main bundle only tests for one.
const NAMES = ["show", "hide", "toggle", "add-class", "remove-class", "toggle-class"];
const FORCE = { "add-class": true, "remove-class": false }; // toggle-class: neither
const kept = new WeakMap(); // element -> Map("hidden" | "aria-expanded" | ".class" -> the server's)

// A `;` meant for a selector ends the command there: what follows it is no command.
const SEMICOLON = 'a ";" outside quotes ends a command, so quote an attribute value that has one: [title="a;b"]';

// One command of the attribute, with its elements: `NAME [CLASS…] [to SELECTOR]`; no `to`: the
// element itself. The first word `to` starts the selector, which is kept as written (a quoted
// attribute value's spaces, a later ` to ` in it).

function parse(part, index, trigger) {
  const at = part.search(/\sto(\s|$)/);
  const [name, ...classes] = (at < 0 ? part : part.slice(0, at)).trim().split(/\s+/);
  const selector = at < 0 ? "" : part.slice(at + 3).trim();
  if (!NAMES.includes(name)) {
    throw new Error(`unknown command "${name}"; use one of: ${NAMES.join(", ")}${index ? `; ${SEMICOLON}` : ""}`);
  }
  if (at >= 0 && !selector) throw new Error(`"${name}": nothing after "to"; write a CSS selector there`);
  if (name.endsWith("class") !== classes.length > 0) {
    const example = name.endsWith("class") ? `needs a class: "${name} open to #menu"` : `takes no class: "${name} to #menu"`;
    throw new Error(`"${name}" ${example}`);
  }
  return { name, classes, targets: selector ? [...document.querySelectorAll(selector)] : [trigger] };
}

// The commands of `trigger`'s attribute, or null (warned) if any is wrong: a mistyped command
// changes nothing rather than half of what was asked. `;` separates them, except in quotes.
export function commandsOf(trigger) {
  const value = trigger.dataset.liveJs;
  try {
    return (value.match(/(?:"[^"]*"|'[^']*'|[^;])+/g) ?? [])
      .filter((part) => part.trim())
      .map((part, index) => parse(part, index, trigger));
  } catch (error) {
    console.warn(`live_views: data-live-js="${value}": ${error.message}`);
    return null;
  }
}

function remember(el, key, server) {
  if (!kept.has(el)) kept.set(el, new Map());
  const state = kept.get(el);
  if (!state.has(key)) state.set(key, server);
}

function setHidden(el, hidden) {
  remember(el, "hidden", el.getAttribute("hidden"));
  el.toggleAttribute("hidden", hidden);
}

function setClass(el, name, on) {
  remember(el, `.${name}`, el.classList.contains(name));
  el.classList.toggle(name, on);
}

export function run(trigger) {
  for (const { name, classes, targets } of commandsOf(trigger) ?? []) {
    for (const el of targets) {
      if (name === "show" || name === "hide") setHidden(el, name === "hide");
      else if (name === "toggle") setHidden(el, !el.hidden);
      else for (const c of classes) setClass(el, c, FORCE[name]);
    }
    // A disclosure button says whether what it controls is open (WAI-ARIA): one that names it
    // (aria-controls), or already says so (aria-expanded), follows the first element it changed.
    const expands = trigger.hasAttribute("aria-controls") || trigger.hasAttribute("aria-expanded");
    if (expands && !name.endsWith("class") && targets[0]) {
      remember(trigger, "aria-expanded", trigger.getAttribute("aria-expanded"));
      trigger.setAttribute("aria-expanded", String(!targets[0].hidden));
    }
  }
}

// Before htmx's morph copies the server's attributes onto an element a command changed: where
// the server renders what it rendered before, the new element takes the browser's state.
function keepCommandsState(oldNode, { newNode }) {
  const state = kept.get(oldNode);
  if (!state || newNode.nodeType !== Node.ELEMENT_NODE) return;
  for (const [key, server] of state) {
    const isClass = key[0] === ".";
    const rendered = isClass ? newNode.classList.contains(key.slice(1)) : newNode.getAttribute(key);
    if (rendered !== server) state.set(key, rendered); // the server changed it: it wins
    else if (isClass) newNode.classList.toggle(key.slice(1), oldNode.classList.contains(key.slice(1)));
    else if (oldNode.hasAttribute(key)) newNode.setAttribute(key, oldNode.getAttribute(key));
    else newNode.removeAttribute(key);
  }
}

htmx.registerExtension("live-js", { htmx_before_morph_node: keepCommandsState });
// A click whose event the user declined (hx-confirm's Cancel; the glue asks first, as the
// element's own listener sends) changes nothing either: Phoenix's data-confirm stops the click.
// An element that sends nothing (no {% live_on %}; htmx marks one with a request of its own,
// whose hx-confirm it asks itself) is asked here, as the glue asks: its own hx-confirm only.
const SENDS = "[data-live-event],[data-htmx-powered]";
document.addEventListener("click", (evt) => {
  const trigger = evt.target.closest?.("[data-live-js]");
  const asked = evt.target.closest?.("[hx-confirm]");
  if (asked?.lvDeclined) asked.lvDeclined = false;
  else if (!trigger) return;
  else if (trigger.matches(`${SENDS},:not([hx-confirm])`) || confirm(trigger.getAttribute("hx-confirm"))) run(trigger);
});
