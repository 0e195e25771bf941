"""Telling the service manager (and, if asked, the desktop) what the daemon is doing.

* :func:`sd_notify` speaks systemd's notification protocol: one datagram with
  ``KEY=value`` lines to the AF_UNIX socket named by ``$NOTIFY_SOCKET``. Without
  that variable (not under systemd, or launchd) it does nothing.
* :class:`ServiceNotifier` wraps it for the daemon: ``READY=1``, ``STATUS=``,
  ``STOPPING=1`` and ``WATCHDOG=1`` at the pace ``$WATCHDOG_USEC`` asks for.
* :func:`desktop_notify` shows a desktop notification with ``notify-send``
  (Linux) or ``osascript`` (macOS) when one of them exists. It is off unless
  the config says ``notify = true``.

Failures never propagate: a lost notification must not stop the daemon.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


def sd_notify(message: str, *, env: Mapping[str, str] | None = None) -> bool:
    """Send ``message`` to ``$NOTIFY_SOCKET``; False when there is none or sending failed."""
    address = (os.environ if env is None else env).get("NOTIFY_SOCKET", "")
    if not address or address[0] not in "/@":
        return False
    target = "\0" + address[1:] if address[0] == "@" else address  # "@" = abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.settimeout(1.0)
            sock.connect(target)
            sock.sendall(message.encode("utf-8", "replace"))
    except OSError as exc:
        log.debug("sd_notify(%s) failed: %s", message.split("=", 1)[0], exc)
        return False
    return True


def watchdog_interval(env: Mapping[str, str] | None = None) -> float | None:
    """The watchdog timeout in seconds from ``$WATCHDOG_USEC`` (None: no watchdog).

    ``$WATCHDOG_PID``, when set, must name this process (systemd's rule for children).
    """
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) <= 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000


class ServiceNotifier:
    """The daemon's messages to the service manager.

    ``send`` is the transport (``sd_notify`` by default; the soak records into a
    list instead) and ``monotonic`` the clock the watchdog pace is measured on.
    Watchdog pings go out at a third of the timeout, so one late wake-up never
    gets the daemon killed.
    """

    def __init__(
        self,
        *,
        send: Callable[[str], bool] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        watchdog: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._env = os.environ if env is None else env
        self._send = send or (lambda message: sd_notify(message, env=self._env))
        self._monotonic = monotonic
        self.watchdog = watchdog if watchdog is not None else watchdog_interval(self._env)
        self._last_ping: float | None = None
        self._last_status = ""

    @property
    def ping_every(self) -> float | None:
        return self.watchdog / 3 if self.watchdog else None

    def ready(self, status: str = "") -> None:
        self._send("READY=1\nSTATUS=" + status if status else "READY=1")
        if status:
            self._last_status = status
        self.ping()

    def status(self, text: str) -> None:
        if text != self._last_status:
            self._last_status = text
            self._send("STATUS=" + text)

    def stopping(self, status: str = "stopping") -> None:
        self._send("STOPPING=1\nSTATUS=" + status)

    def reloading(self) -> None:
        self._send("RELOADING=1")

    def reloaded(self) -> None:
        self._send("READY=1")

    def ping(self) -> None:
        if self.watchdog:
            self._last_ping = self._monotonic()
            self._send("WATCHDOG=1")

    def next_ping_in(self) -> float | None:
        """Seconds until the next watchdog ping is due (None: no watchdog)."""
        every = self.ping_every
        if every is None:
            return None
        if self._last_ping is None:
            return 0.0
        return max(0.0, self._last_ping + every - self._monotonic())

    def ping_if_due(self) -> None:
        """Ping the watchdog when a third of its timeout has passed since the last ping."""
        every = self.ping_every
        if every is None:
            return
        if self._last_ping is None or self._monotonic() - self._last_ping >= every:
            self.ping()


def desktop_notify(title: str, body: str, *, timeout: float = 5.0) -> bool:
    """A desktop notification via notify-send or osascript; False when neither works."""
    if sys.platform == "darwin":
        program = shutil.which("osascript")
        if program is None:
            return False
        script = f"display notification {_applescript(body)} with title {_applescript(title)}"
        argv = [program, "-e", script]
    else:
        program = shutil.which("notify-send")
        if program is None:
            return False
        argv = [program, "--app-name=followup", title, body]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("desktop notification failed: %s", exc)
        return False
    return done.returncode == 0


def _applescript(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
