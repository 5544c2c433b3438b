// Development tools: {% live_scripts %} adds them when DEBUG is on; never shipped to users.
import "./latency.js";
import "./socket_hint.js";
