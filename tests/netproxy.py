"""A small TCP fault proxy for tests, switchable while connections are open.

Modes:

* ``none``    - forward both ways.
* ``latency`` - forward, holding every chunk for ``latency`` seconds.
* ``stall``   - stop forwarding (nothing is read, nothing is lost); new
  connections are accepted and then hear nothing. Switching back resumes.
* ``drop``    - close every open connection (FIN, or RST with ``reset=True``)
  and close new ones right after accepting them.
* ``refuse``  - stop listening, so connecting fails with ECONNREFUSED; open
  connections stay up. Switching to another mode listens again on the same port.

Usage::

    with NetProxy(("127.0.0.1", dovecot.imap_port)) as proxy:
        source = ImapSource("127.0.0.1", proxy.port, ...)
        proxy.set_mode("stall")

Threads: one accept loop plus two pumps per connection, all daemons.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time

MODES = ("none", "latency", "stall", "drop", "refuse")
_POLL = 0.02


class _Link:
    """One client connection and its upstream twin."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.closed = threading.Event()

    def close(self, *, reset: bool = False) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            try:
                if reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class NetProxy:
    def __init__(
        self,
        upstream: tuple[str, int],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        mode: str = "none",
        latency: float = 0.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.upstream = upstream
        self.host = host
        self.port = port
        self.mode = mode
        self.latency = latency
        self.accepted = 0
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> NetProxy:
        self._listen()
        thread = threading.Thread(target=self._accept_loop, name="netproxy-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._close_listener()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> NetProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def set_mode(self, mode: str, *, latency: float | None = None, reset: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if latency is not None:
            self.latency = latency
        self.mode = mode
        if mode == "drop":
            with self._lock:
                links, self._links = self._links, []
            for link in links:
                link.close(reset=reset)
        if mode == "refuse":
            self._close_listener()
        elif self._listener is None and not self._stop.is_set():
            self._listen()

    # -- internals ---------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        listener.settimeout(_POLL * 5)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                # Wakes a thread blocked in accept() and stops listening at once;
                # close() alone leaves the kernel socket alive until accept returns.
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(_POLL)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            if self.mode == "drop":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            link = _Link(client, upstream)
            with self._lock:
                self._links.append(link)
            for src, dst in ((client, upstream), (upstream, client)):
                thread = threading.Thread(
                    target=self._pump, args=(link, src, dst), name="netproxy-pump", daemon=True
                )
                thread.start()

    def _pump(self, link: _Link, src: socket.socket, dst: socket.socket) -> None:
        try:
            while not link.closed.is_set() and not self._stop.is_set():
                if self.mode == "stall":
                    time.sleep(_POLL)
                    continue
                readable, _, _ = select.select([src], [], [], _POLL)
                if not readable:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                if self.mode == "latency" and self.latency > 0:
                    time.sleep(self.latency)
                dst.sendall(data)
        except (OSError, ValueError):
            pass
        link.close()
