// live_views.streams.min.js, which streams_loader.js loads for a page that shows a stream: it
// hands the glue what streams.js does around a frame's swap, and keeps a stream's version
// through a morph of the block around it.
import { afterStreamSwaps, prepareStreamTasks, streamExtension } from "./streams.js";

htmx.registerExtension("live-streams", streamExtension);
window.liveViewsStreams = { prepareStreamTasks, afterStreamSwaps };
