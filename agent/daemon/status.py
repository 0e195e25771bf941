"""The daemon's status: one line for the service manager, one record in the store.

The daemon keeps a JSON record under the store's meta key ``daemon`` (pid,
started_at, last_scan_at, next_scan_at, last_error, state, per-account
health), rewritten after every pass. :func:`daemon_status` reads it for
``followup status`` in another process and adds whether that daemon is alive.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.store.db import process_alive

if TYPE_CHECKING:  # `followup status` reads the record without the fault rules
    from agent.daemon.faults import AccountHealth


STATUS_KEY = "daemon"

# States of the record.
STARTING = "starting"
RUNNING = "running"
DEGRADED = "degraded"  # some account fails, the daemon keeps going
OFFLINE = "offline"  # every account fails
STOPPED = "stopped"
NOT_RUNNING = "not running"  # computed: the recorded process is gone


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def write_status(store: Any, record: dict[str, Any]) -> None:
    store.set_meta(STATUS_KEY, json.dumps(record, ensure_ascii=False, sort_keys=True))


def daemon_status(store: Any) -> dict[str, Any]:
    """The daemon's last recorded status, plus ``running``: is that process alive now?

    Keys: running, pid, state, status (the STATUS line), started_at, updated_at,
    last_scan_at, next_scan_at, next_due_at, last_error (None or
    {account, kind, error, hint, since, failures, retry_at}), accounts
    ({name: {state, last_ok, processes, next_due_at, error..., push}}), where push
    says how new mail is noticed: {mode (idle, reconnecting, polling), reason, since,
    retry_at, refresh_at, failures, sessions, poll_every}. Times are ISO 8601
    strings. A daemon that never ran gives ``{"running": False, "state": "not running"}``.
    """
    raw = store.get_meta(STATUS_KEY)
    try:
        record = json.loads(raw) if raw else {}
    except ValueError:
        record = {}
    if not isinstance(record, dict):
        record = {}
    pid = record.get("pid")
    state = record.get("state", NOT_RUNNING)
    alive = state != STOPPED and process_alive(pid) and store.writer_lock_holder() == pid
    out: dict[str, Any] = {
        "running": alive,
        "pid": pid if alive else None,
        "state": state if alive else (STOPPED if state == STOPPED else NOT_RUNNING),
        "recorded_state": state,
        "status": record.get("status"),
        "started_at": record.get("started_at"),
        "updated_at": record.get("updated_at"),
        "last_scan_at": record.get("last_scan_at"),
        "next_scan_at": record.get("next_scan_at") if alive else None,
        "next_due_at": record.get("next_due_at"),
        "last_error": record.get("last_error"),
        "accounts": record.get("accounts", {}),
        "passes": record.get("passes", 0),
    }
    return out


# -- the STATUS= line ----------------------------------------------------------------


def _clock_time(moment: datetime, tz: ZoneInfo, now: datetime) -> str:
    local = moment.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return local.strftime("%H:%M")
    if abs((moment - now).total_seconds()) < 6 * 86_400:
        return local.strftime("%a %H:%M")
    return local.strftime("%a %d %b %H:%M")


def _wait(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def account_line(health: AccountHealth, now: datetime, tz: ZoneInfo) -> str | None:
    """The account's trouble in a few words, or None when it is fine."""
    from agent.daemon.faults import AUTH, CONFIG, CREDENTIALS, REAUTH, SERVER

    fault = health.fault
    if fault is None:
        return None
    wait = _wait(max(0.0, (fault.retry_at - now).total_seconds()))
    reason = fault.message if len(fault.message) <= 90 else fault.message[:87] + "..."
    if fault.kind == AUTH:
        return f"login refused: {reason}; next try in {wait}"
    if fault.kind == REAUTH:
        from agent.secrets import reauth_advice

        return f"degraded: re-consent required; {reauth_advice(health.name)}"
    if fault.kind == CREDENTIALS:
        return f"degraded: {reason}; retrying in {wait}"
    if fault.kind == SERVER:
        return f"throttled by server: {reason}; retrying in {wait}"
    if fault.kind == CONFIG:
        return f"degraded: {reason}"
    return f"offline: {reason}, retrying in {wait}"


def status_line(
    healths: list[AccountHealth],
    *,
    now: datetime,
    tz: ZoneInfo,
    last_scan: datetime | None,
    next_due: datetime | None,
) -> str:
    """ "last scan 09:05, 3 processes, next draft due Thu 09:00" or the trouble first."""
    troubles = []
    for health in healths:
        line = account_line(health, now, tz) or health.notice
        if line:
            troubles.append(f"{health.name}: {line}" if len(healths) > 1 else line)
    parts = []
    if last_scan is not None:
        parts.append(f"last scan {_clock_time(last_scan, tz, now)}")
        processes = sum(h.processes for h in healths)
        parts.append(f"{processes} process{'es' if processes != 1 else ''}")
        if next_due is not None:
            parts.append(f"next draft due {_clock_time(next_due, tz, now)}")
        else:
            parts.append("no draft due")
    elif not troubles:
        parts.append("starting: first scan")
    text = ", ".join(parts)
    if troubles:
        return "; ".join(troubles) + (f" ({text})" if text else "")
    return text


def record(
    *,
    pid: int,
    state: str,
    status: str,
    started_at: datetime,
    now: datetime,
    last_scan: datetime | None,
    next_scan: datetime | None,
    next_due: datetime | None,
    healths: list[AccountHealth],
    last_error: dict[str, Any] | None,
    passes: int,
    push: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    accounts = {}
    for h in healths:
        entry: dict[str, Any] = {
            "state": "ok" if h.fault is None else h.fault.kind,
            "last_ok": _iso(h.last_ok),
            "processes": h.processes,
            "next_due_at": _iso(h.next_due),
            "next_attempt_at": _iso(h.next_attempt),
        }
        if h.notice and h.fault is None:
            entry["notice"] = h.notice
        if h.fault is not None:
            entry.update(h.fault.to_json())
        if push and h.name in push:
            entry["push"] = push[h.name]
        accounts[h.name] = entry
    return {
        "pid": pid,
        "state": state,
        "status": status,
        "started_at": started_at.isoformat(),
        "updated_at": now.isoformat(),
        "last_scan_at": _iso(last_scan),
        "next_scan_at": _iso(next_scan),
        "next_due_at": _iso(next_due),
        "last_error": last_error,
        "accounts": accounts,
        "passes": passes,
    }


def overall_state(healths: list[AccountHealth]) -> str:
    from agent.daemon.faults import CONFIG, REAUTH

    failing = [h for h in healths if h.fault is not None]
    if not failing:
        return RUNNING
    # Waiting for the user (a config to fix, a sign-in to renew) is not being offline.
    if len(failing) == len(healths) and all(
        h.fault and h.fault.kind not in (CONFIG, REAUTH) for h in failing
    ):
        return OFFLINE
    return DEGRADED
