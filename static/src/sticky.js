// What the browser changed on an element stays through the server's re-renders, as Phoenix's
// "sticky" operations do: htmx's morph would reset it to what the server rendered. Each element
// remembers what the server had rendered of what the browser changed; a re-render that still has
// that keeps the browser's state, one that renders something else wins (the server closed the
// menu on purpose). For the JS commands (commands.js: `hidden`, a class, `aria-expanded`) and the
// focus wrap (focus_wrap.js: the `tabindex` it gives a wrap to focus it), in the hooks script.
const kept = new WeakMap(); // element -> Map(attribute name | ".class" -> the server's)

// `key`: an attribute's name, or "." and a class name; `server`: what the server rendered of it.
export function remember(el, key, server) {
  if (!kept.has(el)) kept.set(el, new Map());
  const state = kept.get(el);
  if (!state.has(key)) state.set(key, server);
}

// Before htmx's morph copies the server's attributes onto an element the browser changed: where
// the server renders what it rendered before, the new element takes the browser's state.
export function keepBrowserState(oldNode, { newNode }) {
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
