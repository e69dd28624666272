"""Readers over time: her history on a site, suspension, ban, "always pre-moderate".

A reader is named by a key (``store/contracts/readers.py``): the author key
her comments keep (keyed hash of her e-mail, else her typed name, or of her
signed-in identity), or ``ip-`` and the keyed hash of her address. Each new
comment asks :meth:`ReaderDesk.standing` with both keys of its author: a
banned reader is refused (``reader_banned``), a suspended one until the end
of her suspension, with the moderator's message as written
(``reader_suspended``), and "always pre-moderate" holds her comments. A
signed-in reader's ban also blocks her identity, so her sessions end.
Every change is audited (``reader``) and can be undone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from causerie.core.accounts import Session
from causerie.core.errors import Forbidden, InvalidField, NotFound
from causerie.core.moderation import ModerationService
from causerie.store.contracts.identity import IdentityStore
from causerie.store.contracts.readers import ReaderRuleStore
from causerie.store.records import IdentityRecord, ReaderHistory, ReaderRule, SiteRecord

KEY = re.compile(r"(ip-)?[0-9a-f]{32}")
MAX_SUSPENSION_DAYS = 365
MAX_MESSAGE = 500
DAY = 86_400.0

Block = Callable[[int, bool], IdentityRecord]  # core/readers.py ReaderService.block


@dataclass(frozen=True)
class ReaderView:
    """A reader of a site: her history, her signed-in identity if any, the rule on her."""

    key: str
    site: SiteRecord
    history: ReaderHistory
    signed_in: IdentityRecord | None
    rule: ReaderRule | None
    now: float

    @property
    def suspended_until(self) -> float | None:
        """The end of a suspension still running (None: not suspended)."""
        until = self.rule.suspended_until if self.rule else None
        return until if until and until > self.now else None


@dataclass
class ReaderDesk:
    """Moderators' view of one reader, and the rules they set on her."""

    moderation: ModerationService
    store: ReaderRuleStore
    identities: IdentityStore
    block: Block

    def __post_init__(self) -> None:
        self.moderation.reverters["reader"] = self._revert

    # -- the posting path ---------------------------------------------------------

    def standing(self, site: SiteRecord, keys: Sequence[str]) -> bool:
        """Refuse a banned or suspended reader; say whether her comments are always held."""
        rules = self.store.reader_rules(site.id, keys)
        now = self.moderation.comments.clock()
        for rule in rules:
            if rule.banned:
                raise Forbidden("reader_banned")
        for rule in rules:
            if rule.suspended_until and rule.suspended_until > now:
                raise Forbidden("reader_suspended", until=rule.suspended_until, note=rule.message)
        return any(rule.premod for rule in rules)

    # -- the desk ---------------------------------------------------------------

    def reader(
        self, session: Session, site_name: str, key: str, limit: int = 50, offset: int = 0
    ) -> ReaderView:
        """A reader's history and standing on a site (404 when the site knows nothing of her)."""
        site = self.moderation.site(session, site_name)
        if not KEY.fullmatch(key):
            raise NotFound("reader_not_found")
        history = self.store.reader_history(site.id, key, limit, offset)
        rule = self.store.reader_rule(site.id, key)
        if history.total == 0 and rule is None:
            raise NotFound("reader_not_found")
        signed_in = None
        if history.identity_ids:
            signed_in = self.identities.identity(history.identity_ids[0])
        return ReaderView(key, site, history, signed_in, rule, self.moderation.comments.clock())

    def change(
        self, session: Session, site_name: str, key: str, changes: dict[str, Any]
    ) -> ReaderView:
        """Suspend (N days, with a message), ban, always pre-moderate, or lift; audited."""
        view = self.reader(session, site_name, key, limit=1)
        now = view.now
        before = view.rule or ReaderRule(view.site.id, key)
        after = _changed(before, changes, now, session.user.email)
        self.store.set_reader_rule(after)
        if view.signed_in is not None and after.banned != before.banned:
            self.block(view.signed_in.id, after.banned)
        entry = {
            "user_id": session.user.id,
            "actor": session.user.email,
            "site": view.site.name,
            "action": "reader",
            "comment_id": None,
            "thread_id": None,
            "batch": secrets.token_hex(8),
            "detail": {
                "reader": key,
                "before": _rule_values(before),
                "after": _rule_values(after),
                "identity_id": view.signed_in.id if view.signed_in else None,
            },
        }
        self.moderation.store.audit([entry])
        return self.reader(session, site_name, key)

    def _revert(self, session: Session, entry: dict[str, Any]) -> None:
        site = self.moderation.site(session, str(entry["site"]))
        detail = entry["detail"]
        before = ReaderRule(site.id, str(detail["reader"]), **detail["before"])
        self.store.set_reader_rule(before)
        identity_id = detail.get("identity_id")
        if identity_id and detail["before"]["banned"] != detail["after"]["banned"]:
            self.block(int(identity_id), bool(detail["before"]["banned"]))


def _rule_values(rule: ReaderRule) -> dict[str, Any]:
    return {
        "suspended_until": rule.suspended_until,
        "message": rule.message,
        "banned": rule.banned,
        "premod": rule.premod,
        "updated": rule.updated,
        "updated_by": rule.updated_by,
    }


def _changed(rule: ReaderRule, changes: dict[str, Any], now: float, actor: str) -> ReaderRule:
    """The rule with a moderator's changes (422 naming a bad field)."""
    values: dict[str, Any] = {"updated": now, "updated_by": actor}
    for key, value in changes.items():
        if key == "suspend_days":
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidField("field_invalid", field=key)
            if not 0 <= value <= MAX_SUSPENSION_DAYS:
                raise InvalidField("field_invalid", field=key)
            values["suspended_until"] = now + value * DAY if value else None
        elif key == "message":
            if not isinstance(value, str) or len(value.strip()) > MAX_MESSAGE:
                raise InvalidField("field_invalid", field=key)
            values["message"] = value.strip()
        elif key in ("banned", "premod"):
            if not isinstance(value, bool):
                raise InvalidField("field_invalid", field=key)
            values[key] = value
        else:
            raise InvalidField("field_invalid", field=key)
    return replace(rule, **values)
