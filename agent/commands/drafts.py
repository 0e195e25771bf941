"""``followup drafts``: list, show, edit and discard the follow-up drafts.

Listing and showing read the state database. Editing and discarding also change
the mailbox, and only ever the agent's own untouched draft (found by its
``X-Followup-Id``): a draft the user changed in their mail program is theirs and
is never touched. An edit appends the new version first, then removes the old
one, so a failure in between leaves two drafts rather than none.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import json
from datetime import datetime
from typing import Any

import click

from agent import views
from agent.board import OPEN_OR_YOURS, action_label
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.errors import MailboxError, StateError, UsageError
from agent.message import MARKER_HEADER
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_DISCARDED,
    DRAFT_INTENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    DraftRecord,
)

_CLOSED_WHY = {
    "user_deleted": "you deleted it from your Drafts folder",
    "sent": "it was sent",
    "cancelled": "the employer wrote first, so it was withdrawn",
    "discarded": "you discarded it",
}


def _review(config_path: str | None, now_text: str | None):
    from agent.commands.review import Review

    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    store = open_store(config)
    return config, store, Review(config, store, now), now


# -- list ---------------------------------------------------------------------------------


def _list(config_path: str | None, now_text: str | None, as_json: bool, waiting: bool) -> None:
    config, store, review, now = _review(config_path, now_text)
    with store:
        drafts = [d for d in review.drafts if not waiting or d.state in OPEN_OR_YOURS]
        pending = review.pending_cancels()
        owners = {d.followup_id: review.process_for_draft(d) for d in drafts}
    tz = review.tz
    if as_json:
        rows = [views.draft_json(d, owners[d.followup_id], tz, pending) for d in drafts]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not drafts:
        click.echo("No drafts yet." if not waiting else "No drafts waiting in your Drafts folder.")
        return
    for d in drafts:
        draft_id, process_id, company, action, state, due, to, subject = views.draft_row(
            d, owners[d.followup_id], tz, now
        )
        click.echo(click.style(draft_id, bold=True) + f"  {action} · {state} · due {due}")
        click.echo(f"    {company} [{process_id}] → {to}")
        click.echo(f"    {subject}")
        owner = owners[d.followup_id]
        if owner is not None and owner.contact and owner.contact.phone:
            who = owner.contact.name or "them"
            click.echo(f"    or call {who}: {owner.contact.phone}")
        if d.note:
            click.secho(f"    note: {d.note}", fg="yellow")
        if d.followup_id in pending:
            click.secho(f"    the next scan withdraws it: {pending[d.followup_id]}", fg="yellow")


@click.group("drafts", invoke_without_command=True)
@config_option
@now_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON list (keys: see agent/views.py DRAFT_KEYS).",
)
@click.option("--waiting", is_flag=True, help="Only drafts still in your Drafts folder.")
@click.pass_context
def drafts_group(
    ctx: click.Context, config_path: str | None, now_text: str | None, as_json: bool, waiting: bool
) -> None:
    """The follow-up drafts followup wrote: their process, state, due time, recipient
    and subject. Without a subcommand, lists them (like `followup drafts list`).

    A draft you change in your mail program becomes yours: followup never touches it again.
    """
    if ctx.invoked_subcommand is None:
        _list(config_path, now_text, as_json, waiting)


@drafts_group.command("list")
@config_option
@now_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON list (keys: see agent/views.py DRAFT_KEYS).",
)
@click.option("--waiting", is_flag=True, help="Only drafts still in your Drafts folder.")
def list_command(
    config_path: str | None, now_text: str | None, as_json: bool, waiting: bool
) -> None:
    """List every draft: id, process, company, action, state, due time, recipient, subject."""
    _list(config_path, now_text, as_json, waiting)


# -- show ---------------------------------------------------------------------------------


def _from_header(config: Any, account_name: str) -> str:
    account = next((a for a in config.accounts if a.name == account_name), None)
    if account is None:
        return ""
    return (
        email.utils.formataddr((account.display_name, account.address))
        if account.display_name
        else account.address
    )


@drafts_group.command("show")
@config_option
@now_option
@click.argument("draft_id", metavar="ID")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the draft as JSON (DRAFT_KEYS plus from and body).",
)
def show_command(
    config_path: str | None, now_text: str | None, draft_id: str, as_json: bool
) -> None:
    """Print one draft (ID may be a unique prefix): its headers and text."""
    config, store, review, now = _review(config_path, now_text)
    with store:
        record = review.find_draft(draft_id)
        process = review.process_for_draft(record)
        pending = review.pending_cancels()
    tz = review.tz
    sender = _from_header(config, record.account)
    if as_json:
        data = views.draft_json(record, process, tz, pending) | {
            "from": sender,
            "body": record.body,
        }
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    where = f"in {record.folder}" if record.state in OPEN_OR_YOURS and record.folder else ""
    click.secho(
        f"Draft {record.followup_id} · {action_label(record.action)} · {record.state.replace('_', ' ')} {where}".rstrip(),
        bold=True,
    )
    click.echo(
        f"Process: {process.id if process else record.process_id} ({views.company_label(process)})"
    )
    click.echo(f"Due: {views.when(record.due_at, tz, now)}")
    if record.note:
        click.secho(f"Note: {record.note}", fg="yellow")
    if record.followup_id in pending:
        click.secho(f"The next scan withdraws it: {pending[record.followup_id]}", fg="yellow")
    click.echo("")
    click.echo(f"From: {sender}")
    click.echo(f"To: {record.to or '(no recipient yet)'}")
    click.echo(f"Subject: {record.subject}")
    if record.in_reply_to:
        click.echo(f"In-Reply-To: {record.in_reply_to}")
    click.echo(f"Message-ID: {record.message_id}")
    click.echo(f"{MARKER_HEADER}: {record.followup_id}")
    click.echo("")
    click.echo(record.body.rstrip("\n"))


# -- the mailbox side ---------------------------------------------------------------------


def _require_ours(record: DraftRecord, verb: str) -> None:
    if record.state == DRAFT_USER_EDITED:
        raise UsageError(
            f"draft {record.followup_id} was changed in your mail program, so it is yours now; "
            f"followup does not {verb} it",
            hint="open it in your mail program's Drafts folder",
        )
    if record.state not in (DRAFT_APPENDED, DRAFT_INTENT):
        why = _CLOSED_WHY.get(record.state, record.state)
        raise UsageError(
            f"draft {record.followup_id} is {record.state.replace('_', ' ')} ({why}); nothing to {verb}"
        )


def _folder(source: Any, account: Any, record: DraftRecord) -> str:
    from agent.accounts import drafts_folder

    if record.folder and any(f.name == record.folder for f in source.folders()):
        return record.folder
    return drafts_folder(source, account).name


def _account(config: Any, record: DraftRecord) -> Any:
    for account in config.accounts:
        if account.name == record.account:
            return account
    raise UsageError(
        f"draft {record.followup_id} belongs to account {record.account!r}, which is no longer configured"
    )


def _hand_over(
    store: Any, record: DraftRecord, state: str, now: datetime, reason: str, uid: int | None = None
) -> None:
    """Record that the draft left our hands (the user edited or deleted it)."""
    try:
        store.set_draft_state(record.followup_id, state, at=now, reason=reason, uid=uid)
    except StateError:
        pass  # a scan recorded it first


def _locate_untouched(
    source: Any, folder: str, record: DraftRecord, store: Any, now: datetime, verb: str
) -> list[int]:
    """UIDs of our draft in ``folder``; refuses (and records it) when the user took it over."""
    from agent.pipeline.executor import find_drafts

    found = find_drafts(source, folder, record.followup_id)
    if (
        record.state == DRAFT_APPENDED
        and found
        and record.uid is not None
        and record.uid not in found
    ):
        _hand_over(
            store, record, DRAFT_USER_EDITED, now, "replaced in Drafts (edited)", uid=found[-1]
        )
        raise UsageError(
            f"draft {record.followup_id} was changed in your mail program, so it is yours now; "
            f"followup does not {verb} it",
            hint="open it in your mail program's Drafts folder",
        )
    return found


def _new_version(raw: bytes, body: str, now: datetime) -> bytes:
    """The same draft (every header kept, Message-ID and X-Followup-Id included) with a new text."""
    msg = email.message_from_bytes(raw, policy=email.policy.SMTP)
    assert isinstance(msg, email.message.EmailMessage)
    del msg["Date"]
    msg["Date"] = email.utils.format_datetime(now)
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    return msg.as_bytes(policy=email.policy.SMTP)


# -- edit ---------------------------------------------------------------------------------


@drafts_group.command("edit")
@config_option
@now_option
@click.argument("draft_id", metavar="ID")
def edit_command(config_path: str | None, now_text: str | None, draft_id: str) -> None:
    """Edit a draft's text in $EDITOR, then replace the draft in your Drafts folder.

    Only a draft followup wrote and nobody changed since can be edited here; once you
    change a draft in your mail program, edit it there.
    """
    from agent.accounts import open_source
    from agent.pipeline.executor import find_drafts

    config, store, review, now = _review(config_path, now_text)
    with store:
        record = review.find_draft(draft_id)
        _require_ours(record, "edit")
        if record.state == DRAFT_INTENT:
            raise UsageError(
                f"draft {record.followup_id} is not confirmed in your Drafts folder yet",
                hint="run `followup scan` first",
            )
        account = _account(config, record)
        edited = click.edit(record.body, extension=".txt", require_save=True)
        if edited is None or edited.strip() == record.body.strip():
            click.echo(f"No changes; draft {record.followup_id} is as it was.")
            return
        body = edited.rstrip() + "\n"
        if not body.strip():
            raise UsageError(
                "the new text is empty",
                hint=f"to drop the draft: followup drafts discard {record.followup_id}",
            )
        # A scan may have run while the editor was open (e.g. the employer wrote).
        record = store.draft(record.followup_id) or record
        _require_ours(record, "edit")
        with open_source(account) as source:
            folder = _folder(source, account, record)
            found = _locate_untouched(source, folder, record, store, now, "edit")
            if not found:
                _hand_over(store, record, DRAFT_USER_DELETED, now, "no longer in Drafts")
                raise UsageError(
                    f"draft {record.followup_id} is no longer in your Drafts folder (deleted or sent); nothing to edit"
                )
            old_uid = record.uid if record.uid is not None else found[0]
            fetched = next(iter(source.fetch_messages(folder, [old_uid])), None)
            if fetched is None:
                raise MailboxError(
                    f"draft {record.followup_id} vanished from {folder} while editing; nothing changed"
                )
            new_uid = source.append(
                folder, _new_version(fetched.data, body, now), flags=("\\Draft",), when=now
            )
            if new_uid is None:
                fresh = [
                    u for u in find_drafts(source, folder, record.followup_id) if u not in found
                ]
                new_uid = fresh[-1] if fresh else None
            removed = source.delete(folder, old_uid)
        store.set_draft_state(
            record.followup_id,
            DRAFT_APPENDED,
            at=now,
            reason="edited with `followup drafts edit`",
            uid=new_uid,
            folder=folder,
            body=body,
        )
    click.echo(f"Draft {record.followup_id} updated in {folder}.")
    if not removed:
        click.echo(
            f"The old version is only marked deleted in {folder}; your mail program will remove it."
        )


# -- discard ------------------------------------------------------------------------------


@drafts_group.command("discard")
@config_option
@now_option
@click.argument("draft_id", metavar="ID")
def discard_command(config_path: str | None, now_text: str | None, draft_id: str) -> None:
    """Remove a draft followup wrote from your Drafts folder; it is never written again."""
    from agent.accounts import open_source

    config, store, review, now = _review(config_path, now_text)
    with store:
        record = review.find_draft(draft_id)
        _require_ours(record, "discard")
        account = _account(config, record)
        process = review.process_for_draft(record)
        with open_source(account) as source:
            folder = _folder(source, account, record)
            found = _locate_untouched(source, folder, record, store, now, "discard")
            if record.state == DRAFT_APPENDED and record.uid is not None:
                ours = [record.uid] if record.uid in found else []
            else:
                ours = found  # an unconfirmed append: every copy carrying our id is ours
            for uid in ours:
                source.delete(folder, uid)
        store.set_draft_state(
            record.followup_id,
            DRAFT_DISCARDED,
            at=now,
            reason="discarded with `followup drafts discard`",
        )
    what = f"{action_label(record.action)} to {views.company_label(process)}"
    if ours:
        click.echo(
            f"Discarded draft {record.followup_id} ({what}): removed from {folder}; it will not be written again."
        )
    else:
        click.echo(
            f"Discarded draft {record.followup_id} ({what}); it was already gone from {folder} and will not be written again."
        )
