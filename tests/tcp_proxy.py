"""A TCP proxy between a browser and a test server, to break the network without touching either.

with TcpProxy(server.port) as proxy:
    page.goto(proxy.url("/counter/"))
    proxy.stall()    # bytes stop flowing, like a link that went dead (nothing is closed)
    proxy.drop()     # every connection is cut and new ones are refused
    proxy.restore()  # connections are accepted and forwarded again
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    host = "127.0.0.1"

    def __init__(self, target_port: int) -> None:
        self.target = (self.host, target_port)
        self.listener = socket.create_server((self.host, 0))
        self.port = self.listener.getsockname()[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._refusing = False
        self._flowing = threading.Event()
        self._flowing.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def stall(self) -> None:
        self._flowing.clear()

    def drop(self) -> None:
        with self._lock:
            self._refusing = True
            sockets, self._open = self._open, set()
        for sock in sockets:
            _cut(sock)

    def restore(self) -> None:
        with self._lock:
            self._refusing = False
        self._flowing.set()

    def close(self) -> None:
        self.drop()
        self.listener.close()
        self._flowing.set()  # let stalled pumps see their sockets are gone

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                refusing = self._refusing
            if refusing:
                _cut(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _cut(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            _cut(sock)
            with self._lock:
                self._open.discard(sock)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
