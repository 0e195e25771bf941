"""The engine: everything a pass or a review command builds from the config and the
rules, built once and only when first needed.

``followup scan``, ``followup run``, the review and correction commands and the demo
all use one :class:`Engine`. Its parts are built lazily, so a review command that
finds the kept processes up to date never loads spaCy or the draft templates.
The rules are read here, at the edge, and handed to the pure core as data.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from agent.analysis import Analyzer
    from agent.analysis.calendar import BusinessCalendar
    from agent.config import AccountConfig, Config
    from agent.drafts import TemplateSet
    from agent.parties import PartyRules
    from agent.policy import Policy
    from agent.rules import Rules


def _no_crash(step: str) -> None:
    return None


class Engine:
    """The rules, analyzer, policy, calendar, parties and templates of one config."""

    def __init__(
        self,
        config: Config,
        rules: Rules | None = None,
        analyzer: Analyzer | None = None,
        *,
        crash: Any = None,
    ) -> None:
        self.config = config
        self.tz = ZoneInfo(config.timezone)
        self._given_rules = rules
        self._given_analyzer = analyzer
        # Called after each durable step of a pass; the crash tests (T1-T3) hand in a
        # hook that ends the process at the N-th one (see :mod:`agent.pipeline.crash`).
        self.crash = crash or _no_crash

    @cached_property
    def rules(self) -> Rules:
        from agent.rules import Rules

        return self._given_rules or Rules.load(self.config.rules_dir)

    @cached_property
    def country(self) -> str | None:
        """The country whose public holidays count (see ``holiday_country``)."""
        from agent.config import holiday_country

        return holiday_country(self.config, self.rules)

    @cached_property
    def analyzer(self) -> Analyzer:
        from agent.analysis import Analyzer

        return self._given_analyzer or Analyzer(
            self.rules, languages=self.config.languages, country=self.country
        )

    @cached_property
    def policy(self) -> Policy:
        from agent.policy import load_policy

        policy = load_policy(self.rules)
        if self.config.max_drafts_per_pass != policy.max_drafts_per_pass:
            policy = replace(policy, max_drafts_per_pass=self.config.max_drafts_per_pass)
        return policy

    @cached_property
    def calendar(self) -> BusinessCalendar:
        from agent.analysis.calendar import BusinessCalendar

        return BusinessCalendar(self.country)

    @cached_property
    def parties(self) -> PartyRules:
        from agent.rules import load_parties

        return load_parties(self.rules)

    @cached_property
    def templates(self) -> TemplateSet:
        from agent.drafts import TemplateSet

        return TemplateSet.from_rules(self.rules, tuple(self.config.languages))

    @cached_property
    def fingerprint(self) -> str:
        """Changes when anything the kept processes are derived from, besides the
        records, changes (see ``agent.kept``)."""
        from agent.kept import fingerprint

        return fingerprint(self.config, self.rules)

    def built(self) -> Engine:
        """Build every part now, so that a broken rules file stops a command before it
        touches the mailbox (the review commands build only what they need)."""
        for part in ("rules", "policy", "calendar", "parties", "templates", "analyzer"):
            getattr(self, part)
        return self

    def own_addresses(self, account: AccountConfig) -> set[str]:
        return {account.address.lower(), *(a.lower() for a in account.aliases)}

    def takes_manual(self, account: AccountConfig) -> bool:
        """Processes added by hand belong to the first account (the one drafts go from)."""
        return bool(self.config.accounts) and self.config.accounts[0].name == account.name
