"""A follow-up as a real RFC 5322 message, threaded to the employer's mail.

Text comes from ``rules/templates/<lang>/<action>.txt`` (``string.Template``
placeholders, an optional first line ``Subject: ...`` used when the thread has no
subject) and phrases and date words from ``rules/templates/<lang>/locale.toml``.
Every value that came from inbound mail is cleaned before it reaches a header or the
body: no CR/LF or control characters, bounded lengths, non-ASCII left to the email
library to encode.
"""

from __future__ import annotations

import email.utils
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any
from zoneinfo import ZoneInfo

from agent.draft_check import DraftCheck
from agent.errors import ConfigError, RulesError
from agent.message import MARKER_HEADER
from agent.policy import ACTIONS, CreateDraft
from agent.records import DRAFT_INTENT, INBOUND, DraftRecord
from agent.rules import Rules
from agent.subjects import strip_reply_prefixes
from agent.tracker import Process

MAX_SUBJECT = 200
MAX_NAME = 80
MAX_VALUE = 100  # role, company
MAX_REFERENCES = 20
FALLBACK_LANGUAGE = "en"
EXTRA_TEMPLATES = ("feedback_request_short",)  # variants of an action's template
_ADDR_RE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MSGID_RE = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>")  # no spaces, controls, < or >
_SPACE = re.compile(r"\s+")
_PHRASE_ORDER = (
    "greeting",
    "signoff",
    "position",
    "employer",
    "application_subject",
    "interview",
    "thanks",
    "promise",
    "interest",
    "previous_message",
)


# -- cleaning ---------------------------------------------------------------------


def clean_text(value: object, limit: int) -> str:
    """One line of plain text: encoded words decoded, control and line-break characters
    removed, whitespace collapsed, at most ``limit`` characters."""
    text = "" if value is None else str(value)
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (HeaderParseError, LookupError, UnicodeError, ValueError):
            pass
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_address(value: str | None) -> str | None:
    """A plain ASCII ``local@domain`` or None."""
    if not value:
        return None
    value = value.strip()
    if len(value) > 254 or not _ADDR_RE.fullmatch(value):
        return None
    return value


def clean_message_id(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return value if _MSGID_RE.fullmatch(value) else None


def reply_subject(subject: str) -> str:
    """``Re: <subject>`` with earlier reply prefixes (Re:, SV:, AW:, ...) removed."""
    base = strip_reply_prefixes(clean_text(subject, MAX_SUBJECT))
    return f"Re: {base}" if base else ""


def draft_message_id(followup_id: str, account_address: str) -> str:
    """The draft's deterministic Message-ID."""
    address = clean_address(account_address)
    domain = address.rpartition("@")[2].lower() if address else "followup.local"
    return f"<followup.{followup_id}@{domain}>"


def references_for(anchor_refs: tuple[str, ...], anchor_id: str | None) -> tuple[str, ...]:
    """The anchor's references plus the anchor itself; the first and the latest kept."""
    ids: list[str] = []
    for ref in (*anchor_refs, anchor_id):
        clean = clean_message_id(ref)
        if clean and clean not in ids:
            ids.append(clean)
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return tuple(ids)


# -- templates --------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSet:
    templates: Mapping[tuple[str, str], str]  # (language, action) -> template text
    locales: Mapping[str, Mapping[str, Any]]  # language -> parsed locale.toml
    check: DraftCheck = field(default_factory=DraftCheck)  # rules/drafts.toml

    @classmethod
    def from_rules(cls, rules: Rules, languages: tuple[str, ...] = ()) -> TemplateSet:
        # Every language with templates: a thread is answered in its language whether or
        # not the analysis has a cue file for it.
        shipped = {name.split("/")[1] for name in rules.names("templates/*/locale.toml")}
        langs = set(languages or rules.languages()) | shipped | {FALLBACK_LANGUAGE}
        templates: dict[tuple[str, str], str] = {}
        locales: dict[str, Mapping[str, Any]] = {}
        for lang in sorted(langs):
            locale = rules.toml(f"templates/{lang}/locale.toml", required=False)
            if not locale:
                continue
            locales[lang] = locale
            for action in (*ACTIONS, *EXTRA_TEMPLATES):
                path = f"templates/{lang}/{action}.txt"
                if rules.has(path):
                    templates[(lang, action)] = rules.text(path)
        if (FALLBACK_LANGUAGE, ACTIONS[0]) not in templates:
            raise RulesError("templates/en: the English templates are missing")
        check = DraftCheck.from_mapping(rules.toml("drafts.toml", required=False))
        return cls(templates, locales, check)

    def pick(self, language: str, action: str) -> tuple[str, str, Mapping[str, Any]]:
        """(language used, template text, locale) with a fallback to English; a variant
        (``feedback_request_short``) falls back to its action's template."""
        for lang in (language, FALLBACK_LANGUAGE):
            for name in (action, action.removesuffix("_short")):
                if (lang, name) in self.templates and lang in self.locales:
                    return lang, self.templates[(lang, name)], self.locales[lang]
        raise RulesError(f"templates/{FALLBACK_LANGUAGE}/{action}.txt not found")


def _substitute(text: str, values: Mapping[str, str], where: str) -> str:
    try:
        return string.Template(text).substitute(values)
    except KeyError as exc:
        raise RulesError(f"{where}: unknown placeholder ${exc.args[0]}") from None
    except ValueError as exc:
        raise RulesError(f"{where}: {exc}") from None


class _Locale:
    def __init__(self, lang: str, data: Mapping[str, Any]) -> None:
        self.lang = lang
        self.dates = data.get("dates", {})
        self.phrases = data.get("phrases", {})

    def has(self, key: str) -> bool:
        return isinstance(self.phrases.get(key), str)

    def phrase(self, key: str, values: Mapping[str, str]) -> str:
        text = self.phrases.get(key)
        if not isinstance(text, str):
            raise RulesError(f"templates/{self.lang}/locale.toml: phrases.{key} is missing")
        return _substitute(text, values, f"templates/{self.lang}/locale.toml:phrases.{key}")

    def date(self, day: date, today: date) -> str:
        where = f"templates/{self.lang}/locale.toml:dates"
        weekdays, months = self.dates.get("weekdays", []), self.dates.get("months", [])
        if len(weekdays) != 7 or len(months) != 12:
            raise RulesError(f"{where} needs 7 weekdays and 12 months")
        key = "format" if day.year == today.year else "format_with_year"
        values = {
            "weekday": weekdays[day.weekday()],
            "day": str(day.day),
            "month": months[day.month - 1],
            "year": str(day.year),
        }
        return _substitute(str(self.dates.get(key, "$day $month $year")), values, f"{where}.{key}")

    def ordinal(self, n: int) -> str:
        ordinals = self.dates.get("ordinals", [])
        return ordinals[n - 1] if 0 < n <= len(ordinals) else str(n)


# -- rendering --------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedDraft:
    followup_id: str
    process_id: str
    account: str
    action: str
    language: str
    message_id: str
    from_name: str
    from_address: str
    to_name: str
    to_address: str | None
    subject: str
    body: str
    date: datetime
    due_at: datetime
    in_reply_to: str | None
    references: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    problems: tuple[str, ...] = ()  # why it fails the draft check: then it is not appended

    @property
    def to(self) -> str:
        """The recipient as people read it ("" when there is none)."""
        if not self.to_address:
            return ""
        return str(Address(display_name=self.to_name, addr_spec=self.to_address))

    @property
    def note(self) -> str | None:
        return "; ".join(self.notes) or None

    def to_message(self) -> EmailMessage:
        msg = EmailMessage(policy=SMTP)
        msg["From"] = Address(display_name=self.from_name, addr_spec=self.from_address)
        if self.to_address:
            msg["To"] = Address(display_name=self.to_name, addr_spec=self.to_address)
        msg["Subject"] = self.subject
        msg["Date"] = email.utils.format_datetime(self.date)
        msg["Message-ID"] = self.message_id
        if self.in_reply_to:
            msg["In-Reply-To"] = self.in_reply_to
        if self.references:
            msg["References"] = " ".join(self.references)
        msg[MARKER_HEADER] = self.followup_id
        msg.set_content(self.body, charset="utf-8", cte="quoted-printable")
        return msg

    def to_bytes(self) -> bytes:
        return self.to_message().as_bytes(policy=SMTP)

    def to_record(self, *, state: str = DRAFT_INTENT) -> DraftRecord:
        return DraftRecord(
            followup_id=self.followup_id,
            account=self.account,
            process_id=self.process_id,
            action=self.action,
            state=state,
            due_at=self.due_at,
            message_id=self.message_id,
            language=self.language,
            subject=self.subject,
            to=self.to,
            body=self.body,
            in_reply_to=self.in_reply_to,
            created_at=self.date,
            updated_at=self.date,
            note=self.note,
        )


def _slots(process: Process, check: DraftCheck, neutral: bool) -> tuple[dict[str, str], list[str]]:
    """The name, role and company a draft may use, and what was left out and why."""
    if neutral:
        return {"name": "", "role": "", "company": ""}, ["every name left out"]
    left_out: list[str] = []
    company = clean_text(process.company_short or process.agency, MAX_VALUE)
    labels = [
        label
        for m in process.messages
        if m.direction == INBOUND and "@" in m.from_addr
        for label in m.from_addr.rpartition("@")[2].split(".")
    ]
    problem = check.company_problem(company, labels)
    if problem:
        left_out.append(problem)
        company = ""
    role = clean_text(process.role, MAX_VALUE)
    problem = check.role_problem(role, company or clean_text(process.company, MAX_VALUE))
    if problem:
        left_out.append(problem)
        role = ""
    name = clean_text(process.greeting_name, 40)
    problem = check.name_problem(name, (company, role, clean_text(process.company, MAX_VALUE)))
    if problem:
        left_out.append(problem)
        name = ""
    return {"name": name, "role": role, "company": company}, left_out


def _values(
    process: Process,
    action: CreateDraft,
    locale: _Locale,
    sender: str,
    now: datetime,
    tz: ZoneInfo,
    slots: Mapping[str, str],
) -> dict[str, str]:
    today = now.astimezone(tz).date()
    role, company, name = slots["role"], slots["company"], slots["name"]
    v: dict[str, str] = {"name": name, "role": role, "company": company, "sender_name": sender}
    v["greeting"] = locale.phrase("greeting_named" if name else "greeting", v)
    v["signoff"] = locale.phrase("signoff", v)
    suffix = (
        "_role_company" if role and company else "_role" if role else "_company" if company else ""
    )
    v["position"] = locale.phrase("position" + suffix, v)
    v["employer"] = locale.phrase("employer_company" if company else "employer", v)
    subject_suffix = "_role" if role else "_company" if company else ""
    v["application_subject"] = locale.phrase("application_subject" + subject_suffix, v)
    held = process.interview_held
    if process.interview_at is not None:
        v["interview_date"] = locale.date(process.interview_at.astimezone(tz).date(), today)
        key = "interview_round_dated" if process.round > 1 else "interview_dated"
        v["interview"] = locale.phrase(
            key, {**v, "date": v["interview_date"], "ordinal": locale.ordinal(process.round)}
        )
    else:
        v["interview_date"] = ""
        v["interview"] = locale.phrase("interview", v)
    stage = "interview" if held else "application"
    thanks = "thanks_assessment" if process.stage == "assessment" else f"thanks_{stage}"
    v["thanks"] = locale.phrase(thanks if locale.has(thanks) else f"thanks_{stage}", v)
    v["interest"] = locale.phrase(f"interest_{stage}", v)
    v["promised_date"] = locale.date(process.promised_by, today) if process.promised_by else ""
    condition = process.promise_evidence.condition if process.promise_evidence else None
    promise_key = f"promise_{stage}"
    if condition and locale.has(f"{promise_key}_{condition}"):
        promise_key = f"{promise_key}_{condition}"  # quoted as it was said, condition and all
    v["promise"] = (
        locale.phrase(promise_key, {**v, "date": v["promised_date"]}) if process.promised_by else ""
    )
    previous = process.last_outbound
    after_inbound = previous is not None and (
        process.last_inbound is None or previous.date > process.last_inbound.date
    )
    if previous is not None and after_inbound:
        v["previous_message"] = locale.phrase(
            "previous_message_dated",
            {**v, "date": locale.date(previous.date.astimezone(tz).date(), today)},
        )
    else:
        v["previous_message"] = locale.phrase("previous_message", v)
    v["offer_deadline"] = locale.date(action.offer_deadline, today) if action.offer_deadline else ""
    return v


def render_draft(
    process: Process,
    action: CreateDraft,
    *,
    account_address: str,
    account_name: str,
    templates: TemplateSet | Rules,
    now: datetime,
    tz: ZoneInfo,
) -> RenderedDraft:
    """The draft for ``action``, in the process's language (English when missing)."""
    if isinstance(templates, Rules):
        templates = TemplateSet.from_rules(templates)
    from_address = clean_address(account_address)
    if from_address is None:
        raise ConfigError(
            f"account address {clean_text(account_address, 80)!r} is not a plain address"
        )
    sender = clean_text(account_name, MAX_NAME) or from_address
    template = action.action
    if action.action == "feedback_request" and not process.interview_held:
        template = "feedback_request_short"  # no interview: a shorter request
    lang, text, locale_data = templates.pick(action.language or process.language, template)
    locale = _Locale(lang, locale_data)
    subject_line, body_text = _split_subject(text)
    where = f"templates/{lang}/{template}.txt"
    notes: list[str] = []
    problems: list[str] = []
    for neutral in (False, True):
        slots, left_out = _slots(process, templates.check, neutral)
        values = _values(process, action, locale, sender, now, tz, slots)
        body = _substitute(body_text, values, where).strip() + "\n"
        problems = templates.check.text_problems(body, own=(from_address,))
        if not problems:
            notes.extend(f"said neutrally: {reason}" for reason in left_out if not neutral)
            break
    if process.company and not process.company_short:
        notes.append(f"left out: the employer {process.company!r} is too uncertain to name")
    to_name, to_address = "", None
    if process.contact is not None:
        to_address = clean_address(process.contact.address)
        to_name = clean_text(process.contact.name, MAX_NAME)
    if to_address is None:
        notes.append(
            "no recipient: the employer wrote from a no-reply address; add one before sending"
        )
    if process.contact_note:
        notes.append(clean_text(process.contact_note, 200))

    anchor = process.anchor
    subject = reply_subject(anchor.subject) if anchor else ""
    if not subject:
        subject = clean_text(
            _substitute(subject_line, values, f"templates/{lang}/{action.action}.txt"), MAX_SUBJECT
        )
    anchor_id = clean_message_id(anchor.message_id) if anchor else None
    if problems:
        notes.append("not appended: " + "; ".join(problems))
    return RenderedDraft(
        followup_id=action.followup_id,
        process_id=process.id,
        account=action.account,
        action=action.action,
        language=lang,
        message_id=draft_message_id(action.followup_id, from_address),
        from_name=sender,
        from_address=from_address,
        to_name=to_name,
        to_address=to_address,
        subject=subject,
        body=body,
        date=now.astimezone(tz),
        due_at=action.due_at,
        in_reply_to=anchor_id,
        references=references_for(anchor.references, anchor_id) if anchor else (),
        notes=tuple(notes),
        problems=tuple(problems),
    )


def _split_subject(text: str) -> tuple[str, str]:
    first, sep, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first[len("subject:") :].strip(), rest
    return "$application_subject", text


def draft_bytes(record: DraftRecord, *, from_address: str, from_name: str = "") -> bytes:
    """The message for a recorded draft, for finishing an APPEND that a crash interrupted.

    Built from what the store keeps (recipient, subject, body, ids), so the same
    ``Message-ID`` and ``X-Followup-Id`` come back and the draft threads as before.
    """
    from email.utils import parseaddr

    to_name, to_address = parseaddr(record.to) if record.to else ("", "")
    when = record.created_at or record.due_at
    return RenderedDraft(
        followup_id=record.followup_id,
        process_id=record.process_id,
        account=record.account,
        action=record.action,
        language=record.language,
        message_id=record.message_id,
        from_name=from_name,
        from_address=from_address,
        to_name=to_name,
        to_address=to_address or None,
        subject=record.subject,
        body=record.body,
        date=when,
        due_at=record.due_at,
        in_reply_to=record.in_reply_to,
        references=(record.in_reply_to,) if record.in_reply_to else (),
    ).to_bytes()


def _comparable(text: str) -> str:
    return " ".join(text.split())


def is_untouched_draft(raw: bytes | None, record: DraftRecord) -> bool:
    """Is ``raw`` the draft the agent appended for ``record``, as it was written?

    A client that saves an edited draft as a new message may keep its headers,
    ``X-Followup-Id`` included: only the same marker *and* the same text make a
    message the agent's own, so a cancel never removes the user's rewrite.
    """
    if not raw:
        return False
    import email as email_package
    from email.policy import default

    try:
        msg = email_package.message_from_bytes(raw, policy=default)
        if str(msg.get(MARKER_HEADER, "")).strip() != record.followup_id:
            return False
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
    except Exception:  # noqa: BLE001 - unreadable: not provably ours
        return False
    return isinstance(text, str) and _comparable(text) == _comparable(record.body)
