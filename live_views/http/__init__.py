"""The HTTP transport: a live page whose websocket cannot open (or a project that sets
``LIVE_VIEWS["TRANSPORT"] = "http"``) sends its frames as htmx requests and reads its pushes from
server-sent events (ASGI) or long-polling (WSGI). See docs/http-transport.md."""
