"""One exception tree for the whole product.

Every error a user can meet derives from :class:`FollowupError`. The CLI turns
them into a message and an exit code in one place (``agent.cli``). Messages
never contain secrets.
"""

from __future__ import annotations


class FollowupError(Exception):
    """Base of all product errors. ``hint`` tells the user what to do next."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __reduce__(self) -> tuple:
        # Crosses a process boundary (a scan's helper process) with its hint.
        return (_rebuild, (type(self), str(self), self.hint))


def _rebuild(cls: type[FollowupError], message: str, hint: str | None) -> FollowupError:
    return cls(message, hint=hint)


class UsageError(FollowupError):
    exit_code = 2


class BadInputError(FollowupError):
    """A file or message that cannot be read at all."""

    exit_code = 2


class ConfigError(FollowupError):
    """The configuration file is missing or invalid; names the file and key."""

    exit_code = 3


class RulesError(FollowupError):
    """A rules file is invalid; names ``file:rule``."""

    exit_code = 3


class SecretError(FollowupError):
    """A password could not be obtained (keyring locked, missing, command failed)."""

    exit_code = 4


class MailboxError(FollowupError):
    """Talking to the mailbox failed."""

    exit_code = 5


class TransientMailboxError(MailboxError):
    """Network trouble, server BYE, timeouts: safe to retry later."""


class AuthError(MailboxError):
    """The server refused the credentials. Retrying quickly would risk a lockout."""


class ReauthRequiredError(AuthError):
    """The OAuth2 sign-in was revoked or has expired: only signing in again helps.

    The message is one line that says how (``sign in again: followup init --name NAME
    --reauth``); until the user does, no token request is made.
    """


class NoPushError(MailboxError):
    """The server cannot announce new mail (no IDLE capability): the account is polled."""


class TLSError(MailboxError):
    """Certificate verification failed or STARTTLS is not offered."""


class FolderError(MailboxError):
    """A needed folder (e.g. Drafts) could not be identified."""


class StateError(FollowupError):
    """The state database is unusable or locked by another instance."""

    exit_code = 6


class AlreadyRunningError(StateError):
    exit_code = 75
