// Streams (README "Streams"): the server sends one out-of-band swap per inserted or deleted
// item and forgets the items; the browser keeps them. Three things htmx does not do alone:
// - an insert of an item the page already shows updates it in place (as Phoenix's streams do),
//   unless the same frame deleted it first: then it is inserted anew (a move);
// - a stream's `data-live-limit` is applied after each update (N keeps the first N items,
//   -N the last N);
// - a container whose items changed forgets its version, so a reconnect is sent it whole; a
//   morph of the block around it keeps the version the browser has, and a container sent
//   whole keeps the one it came with.
export const STREAM = "[data-live-stream]";

export const streamExtension = {
  htmx_before_morph_attr(element, detail) {
    if (detail.attrName === "data-lv-v" && element.matches?.(STREAM)) return false;
  },
};

const touched = new Set(); // stream containers the frame being swapped changes

// Before htmx swaps a frame: retarget inserts of shown items to a morph of that item. The
// tasks run in order, after this: an item an earlier task deletes is not shown by then.
export function prepareStreamTasks(tasks) {
  const gone = new Set();
  for (const task of tasks) {
    if (task.type !== "oob") continue;
    const container = task.target?.closest?.(STREAM);
    const wrapper = task.fragment?.firstElementChild;
    // Sent whole (a reconnect, a reset), a container comes with the version of what it holds.
    if (container?.id) touched[wrapper?.id === container.id ? "delete" : "add"](container.id);
    if (task.swapSpec?.style === "delete") gone.add(task.target);
    if (wrapper?.tagName !== "TEMPLATE") continue;
    const item = wrapper.content.firstElementChild;
    const shown = item?.id ? document.getElementById(item.id) : null;
    if (!shown?.parentElement?.matches(STREAM) || gone.has(shown)) continue;
    task.target = shown;
    task.swapSpec = { ...task.swapSpec, style: "outerMorph" };
  }
}

export function keepWithin(items, limit) {
  // The items to drop: from the end for a positive limit, from the start for a negative one.
  const bound = Math.abs(limit);
  if (!bound || items.length <= bound) return [];
  return limit > 0 ? items.slice(bound) : items.slice(0, items.length - bound);
}

// After the frame's swaps.
export function afterStreamSwaps(root) {
  for (const id of touched) {
    const container = document.getElementById(id);
    if (container) container.dataset.lvV = "";
  }
  touched.clear();
  applyLimits(root);
}

function applyLimits(root) {
  for (const container of root.querySelectorAll(`${STREAM}[data-live-limit]`)) {
    const drop = keepWithin([...container.children], Number(container.dataset.liveLimit));
    for (const item of drop) item.remove();
  }
}
