"""A TLS-terminating IMAP proxy in front of the suite's Dovecot that can make the
server forget its message numbers: in ``flapping`` mode every SELECT/EXAMINE (and
STATUS) answer carries a UIDVALIDITY never given before, as a server that does not
keep UIDs (UIDNOTSTICKY, a broken bridge) would. In ``steady`` mode it forwards the
server's own answers untouched.

Two more faults for IDLE: ``strip_idle`` removes IDLE from every capability list
the server sends (a server without IDLE), and ``drop_on_idle`` closes the
connection as soon as the client sends IDLE (a server or middlebox that kills
IDLE sessions). :attr:`ImapProxy.commands` lists the command names clients sent.

The client side speaks implicit TLS with a certificate from the proxy's own CA
(:attr:`ImapProxy.ca_file`); upstream it talks plain IMAP to Dovecot on loopback.

Usage::

    with ImapProxy(("127.0.0.1", dovecot.imap_port), tmp_path) as proxy:
        ...  # an account at 127.0.0.1:proxy.port with ca_file = proxy.ca_file
        proxy.mode = "flapping"
"""

from __future__ import annotations

import itertools
import re
import socket
import ssl
import threading
from pathlib import Path

import trustme

_COMMAND = re.compile(rb"^[A-Za-z0-9.]+ (?:UID )?([A-Za-z]+)")
_IDLE_CAPABILITY = re.compile(rb" IDLE(?=[ \]\r\n])")
_VALIDITY = re.compile(rb"^(\* OK \[UIDVALIDITY )(\d+)(\])|^(\* STATUS .*UIDVALIDITY )(\d+)", re.I)


class ImapProxy:
    def __init__(
        self,
        upstream: tuple[str, int],
        workdir: Path,
        *,
        mode: str = "steady",
        strip_idle: bool = False,
        drop_on_idle: bool = False,
    ) -> None:
        self.upstream = upstream
        self.mode = mode
        self.strip_idle = strip_idle
        self.drop_on_idle = drop_on_idle
        self.commands: list[str] = []
        self.validities_sent: list[int] = []
        self._fresh = itertools.count(900_001)
        ca = trustme.CA(organization_name="followup proxy CA")
        self.ca_file = str(workdir / "proxy-ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(self._context)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []

    def __enter__(self) -> ImapProxy:
        thread = threading.Thread(target=self._accept, name="imapproxy", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=2)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                raw.settimeout(10)
                client = self._context.wrap_socket(raw, server_side=True)
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                raw.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            self._sockets += [client, upstream]
            for target, args in (
                (self._to_server, (client, upstream)),
                (self._to_client, (upstream, client)),
            ):
                thread = threading.Thread(target=target, args=args, daemon=True)
                thread.start()
                self._threads.append(thread)

    @staticmethod
    def _close(*socks: socket.socket) -> None:
        for sock in socks:
            try:
                sock.close()
            except OSError:
                pass

    def _to_server(self, client: socket.socket, upstream: socket.socket) -> None:
        """Line by line (literals pass through as lines too), noting each command's name."""
        reader = client.makefile("rb")
        try:
            for line in reader:
                found = _COMMAND.match(line)
                if found:
                    name = found.group(1).decode().upper()
                    self.commands.append(name)
                    if name == "IDLE" and self.drop_on_idle:
                        break
                upstream.sendall(line)
        except (OSError, ValueError):
            pass
        self._close(client, upstream)

    def _to_client(self, upstream: socket.socket, client: socket.socket) -> None:
        """Line by line, rewriting UIDVALIDITY in flapping mode (literals pass through)."""
        reader = upstream.makefile("rb")
        try:
            for line in reader:
                if self.mode == "flapping":
                    line = _VALIDITY.sub(self._rewrite, line)
                if self.strip_idle and b"CAPABILITY" in line.upper():
                    line = _IDLE_CAPABILITY.sub(b"", line)
                client.sendall(line)
        except (OSError, ValueError):
            pass
        self._close(client, upstream)

    def _rewrite(self, match: re.Match[bytes]) -> bytes:
        value = next(self._fresh)
        self.validities_sent.append(value)
        if match.group(1) is not None:
            return match.group(1) + str(value).encode() + match.group(3)
        return match.group(4) + str(value).encode()
