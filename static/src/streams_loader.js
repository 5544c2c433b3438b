// Streams (streams.js) ship as live_views.streams.min.js (streams_script.js): a page loads it
// once it shows a stream. Until it has run, a frame for such a page waits for it (the socket's
// frames here, the HTTP transport's in http.js): an insert of a shown item must update it, not
// add it again. A page that shows no stream has nothing for it to do: a container comes whole,
// and rendered within its limit, in the frame that shows it first; the frames after it wait.
import { loadIfShown } from "./lazy_script.js";
import { STREAM } from "./streams.js";

const streams = () => window.liveViewsStreams; // set by streams_script.js as it runs
let loading; // its load (settled either way), from the first frame of a page that shows one
let held = 0; // socket frames waiting for it

export const streamsLoaded = () => (loading ??= loadIfShown(STREAM, "live_views.streams.min.js"));
export const prepareStreamTasks = (tasks) => streams()?.prepareStreamTasks(tasks);
export const afterStreamSwaps = (root) => streams()?.afterStreamSwaps(root);

// hx-ws's message event (`detail.waitUntil`). The frames that waited go on one per task (its
// timer's), in the order they came, as they would have: released at once, they would swap
// interleaved. A frame that comes while some still wait, waits behind them.
export function waitForStreams({ detail }) {
  const loaded = streamsLoaded();
  if (!loaded || (streams() && !held)) return;
  held++;
  detail.waitUntil(loaded.then(() => new Promise((resolve) => setTimeout(resolve))).finally(() => held--));
}
