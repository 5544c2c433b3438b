// The sample site's chart page (sample_site/demo/templates/demo/chart.html): uPlot from npm,
// bundled for that demo only. Never part of live_views.min.js.
import uPlot from "uplot";

window.uPlot = uPlot;
