"""Account passwords and OAuth2 secrets: from a command or the system keyring.

A password comes from ``password_command`` or the keyring (service "followup"); an
OAuth2 refresh token lives only in the keyring (service "followup-oauth2"); an access
token may come from ``token_command`` and a client secret from
``oauth2_client_secret_command``.

Every path is bounded in time: the command runs with a timeout, and the keyring
is asked from a worker thread so that a locked or hung Secret Service turns into
a SecretError instead of a stuck daemon. There is no plaintext fallback, ever.
Error messages name the account and what to do, never the secret or the
command's output (which could hold it). A password obtained here is registered
with the log redactor before it is returned.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Callable
from typing import TypeVar

from agent.config import AccountConfig
from agent.errors import SecretError
from agent.redaction import register_secret

KEYRING_SERVICE = "followup"
OAUTH2_SERVICE = "followup-oauth2"  # the refresh token of an OAuth2 account
_SHELL_SYNTAX = set("|&;<>()$`\\\"'*?[]{}~\n#=")

T = TypeVar("T")

# A keyring call that never returned keeps its worker thread; while it hangs we
# answer at once instead of piling up more blocked threads.
_hung_lock = threading.Lock()
_hung_calls: set[threading.Thread] = set()


_READ_HINT = "run `followup init` to store the password, or set password_command in the config"
_WRITE_HINT = (
    "use --password-command (a command that prints the password) where no keyring is available"
)


def _unavailable(account_name: str, reason: str, hint: str = _READ_HINT) -> SecretError:
    return SecretError(f"credentials unavailable for account {account_name}: {reason}", hint=hint)


def get_password(account: AccountConfig, *, timeout: float = 10.0) -> str:
    """The account's password; SecretError within about ``timeout`` seconds otherwise."""
    if account.password_command:
        password = _from_command(account.name, account.password_command, timeout)
    else:
        password = _from_keyring(account.name, timeout)
    register_secret(password)
    return password


def set_password(account_name: str, password: str, *, timeout: float = 10.0) -> None:
    """Store ``password`` in the keyring under service "followup", user ``account_name``."""
    if not password:
        raise SecretError(f"refusing to store an empty password for account {account_name}")
    register_secret(password)
    import keyring

    _bounded(
        account_name,
        lambda: keyring.set_password(KEYRING_SERVICE, account_name, password),
        timeout,
        hint=_WRITE_HINT,
    )


def delete_password(account_name: str, *, timeout: float = 10.0) -> None:
    import keyring
    import keyring.errors

    def delete() -> None:
        try:
            keyring.delete_password(KEYRING_SERVICE, account_name)
        except keyring.errors.PasswordDeleteError:
            pass

    _bounded(account_name, delete, timeout)


def reauth_command(account_name: str) -> str:
    return f"followup init --name {account_name} --reauth"


def reauth_advice(account_name: str) -> str:
    """What every output says when an OAuth2 sign-in has to be renewed."""
    return f"sign in again: {reauth_command(account_name)}"


def get_refresh_token(account_name: str, *, timeout: float = 10.0) -> str:
    """The OAuth2 refresh token kept in the keyring; SecretError when there is none."""
    import keyring

    hint = f"sign in: {reauth_command(account_name)}"
    token = _bounded(
        account_name,
        lambda: keyring.get_password(OAUTH2_SERVICE, account_name),
        timeout,
        hint=hint,
    )
    if not token:
        raise _unavailable(account_name, "no OAuth2 sign-in stored in the keyring", hint)
    register_secret(token, slot=f"{account_name}:refresh")
    return token


def set_refresh_token(account_name: str, token: str, *, timeout: float = 10.0) -> None:
    """Keep ``token`` in the keyring; the item is replaced in one call, never emptied first."""
    if not token:
        raise SecretError(f"refusing to store an empty sign-in for account {account_name}")
    register_secret(token, slot=f"{account_name}:refresh")
    import keyring

    _bounded(
        account_name,
        lambda: keyring.set_password(OAUTH2_SERVICE, account_name, token),
        timeout,
        hint="unlock the keyring; followup keeps the new sign-in in memory and saves it "
        "at the next attempt",
    )


def get_token_from_command(account: AccountConfig, *, timeout: float = 10.0) -> str:
    """The access token that the account's ``token_command`` prints."""
    assert account.token_command is not None
    token = _from_command(
        account.name,
        account.token_command,
        timeout,
        key="token_command",
        hint="fix token_command (run it by hand: it must print an access token)",
    ).strip()
    register_secret(token, slot=f"{account.name}:token_command")
    return token


def get_client_secret(account: AccountConfig, *, timeout: float = 10.0) -> str | None:
    """The OAuth2 client secret from ``oauth2_client_secret_command``, if the account has one."""
    command = account.oauth2.client_secret_command if account.oauth2 else None
    if not command:
        return None
    secret = _from_command(
        account.name,
        command,
        timeout,
        key="oauth2_client_secret_command",
        hint="fix oauth2_client_secret_command (run it by hand: it must print the secret)",
    ).strip()
    register_secret(secret)
    return secret


def _from_keyring(account_name: str, timeout: float) -> str:
    import keyring

    password = _bounded(
        account_name, lambda: keyring.get_password(KEYRING_SERVICE, account_name), timeout
    )
    if not password:
        raise _unavailable(account_name, "no password stored in the keyring")
    return password


def _bounded(
    account_name: str, call: Callable[[], T], timeout: float, *, hint: str = _READ_HINT
) -> T:
    """Run a keyring call in a daemon thread; map every failure to SecretError."""
    import keyring.errors

    with _hung_lock:
        still_hung = {t for t in _hung_calls if t.is_alive()}
        _hung_calls.intersection_update(still_hung)
    if still_hung:
        raise _unavailable(
            account_name,
            "keyring is locked or not available (an earlier request has not returned)",
            hint,
        )

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # reported to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="followup-keyring", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        with _hung_lock:
            _hung_calls.add(worker)
        raise _unavailable(
            account_name,
            f"keyring is locked or not available (no answer within {timeout:g} s)",
            hint,
        )
    error = outcome.get("error")
    if error is None:
        return outcome.get("value")  # type: ignore[return-value]
    if isinstance(error, keyring.errors.NoKeyringError):
        reason = "no keyring backend is available"
    elif isinstance(error, keyring.errors.KeyringLocked):
        reason = "keyring is locked"
    elif isinstance(error, keyring.errors.InitError):
        reason = "keyring could not be opened"
    elif isinstance(error, keyring.errors.KeyringError | OSError | RuntimeError):
        reason = f"keyring error ({type(error).__name__})"
    else:
        reason = f"keyring failed ({type(error).__name__})"
    raise _unavailable(account_name, reason, hint) from None


def _command_argv(command: str) -> list[str]:
    if _SHELL_SYNTAX & set(command):
        return ["/bin/sh", "-c", command]
    try:
        argv = shlex.split(command)
    except ValueError:
        return ["/bin/sh", "-c", command]
    return argv or ["/bin/sh", "-c", command]


def _run_in_own_group(argv: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv`` in a session (and process group) of its own; on timeout the whole
    group is killed, so a helper it started (``sleep``, a pinentry, an agent that never
    answers) does not outlive it holding the pipes."""
    with subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise
        except BaseException:
            _kill_group(process)
            raise
        return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the group's id is the leader's pid
    except (ProcessLookupError, PermissionError):
        process.kill()
    # Not communicate(): a member that left the group may still hold the pipes open.
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    process.wait()


def _from_command(
    account_name: str,
    command: str,
    timeout: float,
    *,
    key: str = "password_command",
    hint: str = _READ_HINT,
) -> str:
    """First line of the command's stdout. Errors (naming ``key``) never quote its output."""

    def failed(reason: str) -> SecretError:
        return _unavailable(account_name, f"{key}{reason}", hint)

    argv = _command_argv(command)
    program = os.path.basename(argv[0]) if argv[0] != "/bin/sh" else "the shell"
    try:
        result = _run_in_own_group(argv, timeout)
    except FileNotFoundError:
        raise failed(f": program {program!r} not found") from None
    except PermissionError:
        raise failed(f": program {program!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise failed(f" did not finish within {timeout:g} s") from None
    except OSError as exc:
        raise failed(f" could not run ({exc.strerror})") from None
    if result.returncode != 0:
        raise failed(f" failed with exit code {result.returncode}")
    try:
        text = result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise failed(" printed something that is not UTF-8") from None
    value = text.splitlines()[0] if text else ""
    if not value:
        raise failed(" printed nothing")
    return value
