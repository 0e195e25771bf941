"""Open the mailbox of a configured account (the edge where config meets a source)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from agent.config import AccountConfig
from agent.errors import FolderError
from agent.sources.base import DRAFTS, Folder, Source

if TYPE_CHECKING:
    from agent.sources.imap import TokenSource


def open_source(
    account: AccountConfig,
    *,
    password_getter: Callable[[AccountConfig], str] | None = None,
    tokens: TokenSource | None = None,
) -> Source:
    """A connected source for ``account``: its Maildir, or its IMAP server (password via
    keyring/command, or for ``auth = "oauth2"`` access tokens from ``tokens``, by default
    the process's :func:`agent.oauth.tokens.tokens_for`)."""
    if account.maildir:
        from agent.sources.maildir import MaildirSource

        return MaildirSource(account.maildir, name=account.name)
    from agent.redaction import register_secret
    from agent.sources.imap import ImapSource

    password: str | None = None
    if account.auth == "oauth2":
        if tokens is None:
            from agent.oauth.tokens import tokens_for

            tokens = tokens_for(account)
        # Here, like a password: a locked keyring or a revoked sign-in fails the pass
        # before any connection (the source asks again, from memory, when it connects).
        tokens.token()
    else:
        from agent.secrets import get_password

        password = (password_getter or get_password)(account)
        register_secret(password)
    assert account.host is not None
    return ImapSource(
        account.host,
        account.port,
        account.username,
        password,
        tokens=tokens,
        security=account.security,
        ca_file=account.ca_file,
        timeout=account.timeout,
        drafts_folder=account.drafts_folder,
        name=account.name,
    )


def drafts_folder(source: Source, account: AccountConfig) -> Folder:
    """The folder drafts go to: the configured one, else the \\Drafts special-use folder."""
    folders = source.folders()
    if account.drafts_folder:
        for folder in folders:
            if folder.name == account.drafts_folder:
                return folder
        raise FolderError(
            f"account {account.name}: drafts_folder {account.drafts_folder!r} does not exist on the server",
            hint="check the name with `followup doctor`; followup never creates folders",
        )
    found = source.folder_for_role(DRAFTS)
    if found is None:
        raise FolderError(
            f"account {account.name}: Drafts folder not identified; configure it",
            hint='set drafts_folder = "..." for this account in the config (see `followup doctor`)',
        )
    return found
