"""Moderator alerts: a mail per held comment, or a digest every N minutes; quiet hours kept.

Each moderator chooses per site (``AlertSettings``): ``each`` queues one mail
per comment held for moderation, ``digest`` queues one digest message per
window of ``digest_minutes`` (deduplicated by its due time), which becomes a
mail listing what is *still* waiting when it is due. A mail that would fall
inside the moderator's quiet hours waits for their end. Every link goes to
the dashboard, where acting needs a signed-in session: a link alone does nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from causerie.core import events
from causerie.core.errors import InvalidField
from causerie.core.i18n import languages, translate
from causerie.core.mail import Mail, html_body
from causerie.core.outbox import mail_message
from causerie.store.contracts.notifications import NotificationStore
from causerie.store.records import (
    AlertRecipient,
    AlertSettings,
    CommentRecord,
    CommentState,
    NewOutboxMessage,
    OutboxMessage,
    QueueRow,
    SiteRecord,
    ThreadRecord,
)

DIGEST = "digest"  # the outbox channel of a digest still to compose
EXCERPT = 300
DIGEST_ITEMS = 10

# The pending comments of a site: (the newest few, how many in all).
PendingOf = Callable[[int, int], tuple[list[QueueRow], int]]


def after_quiet_hours(when: float, settings: AlertSettings) -> float:
    """``when``, or the end of the moderator's quiet hours if it falls inside them."""
    start, end = settings.quiet_start, settings.quiet_end
    if start is None or end is None or start == end:
        return when
    try:
        zone: dt.tzinfo = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    local = dt.datetime.fromtimestamp(when, zone)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return when
    day = local.date() if minute < end else local.date() + dt.timedelta(days=1)
    wake = dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=zone)
    return max(wake.timestamp(), when)


class ModeratorAlerts:
    """Turns held comments into alert mails and digests for the moderators who want them."""

    def __init__(
        self,
        settings: NotificationStore,
        pending_of: PendingOf,
        base_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.pending_of = pending_of
        self.base_url = base_url
        self.clock = clock

    def dashboard_link(self, site: str, comment_id: int | None = None) -> str:
        """Where a mail sends a moderator: the dashboard, on the site (and comment)."""
        query = {"site": site, **({"comment": str(comment_id)} if comment_id else {})}
        return f"{self.base_url}/admin?{urlencode(query)}"

    def concerns(self, event: str, comment: CommentRecord) -> bool:
        """True for the events alerts are about: a new comment held for moderation."""
        return event == events.CREATED and comment.state is CommentState.PENDING

    def expand(
        self,
        event: str,
        comment: CommentRecord,
        thread: ThreadRecord,
        site: SiteRecord,
        recipients: Sequence[AlertRecipient],
    ) -> list[NewOutboxMessage]:
        """The alert mails or digests a held comment causes for these moderators."""
        if not self.concerns(event, comment):
            return []
        now = self.clock()
        out = []
        for recipient in recipients:
            chosen = recipient.settings
            if chosen.mode == "each":
                mail = self._alert_mail(recipient.email, chosen.lang, comment, thread, site)
                due = after_quiet_hours(now, chosen)
                key = f"alert:{chosen.user_id}:{comment.id}"
                out.append(mail_message(mail, site.id, dedup_key=key, not_before=due))
            elif chosen.mode == "digest":
                period = max(chosen.digest_minutes, 1) * 60
                due = after_quiet_hours((now // period + 1) * period, chosen)
                payload = {"user_id": chosen.user_id, "site_id": site.id}
                # Keyed by when it goes: windows inside quiet hours make one digest.
                key = f"digest:{chosen.user_id}:{site.id}:{int(due)}"
                out.append(NewOutboxMessage(DIGEST, site.id, payload, key, due))
        return out

    def expand_digest(self, message: OutboxMessage, site: SiteRecord) -> list[NewOutboxMessage]:
        """A due digest: one mail listing what still waits (nothing if the queue is empty)."""
        user_id = int(message.payload["user_id"])
        wanted = [
            r
            for r in self.settings.alert_recipients(site.id)
            if r.settings.user_id == user_id and r.settings.mode == "digest"
        ]
        rows, total = self.pending_of(site.id, DIGEST_ITEMS)
        if not wanted or total == 0:
            return []
        lang = wanted[0].settings.lang
        items = "\n".join(
            translate(
                "mail.digest.item",
                lang,
                author=row.comment.author or "—",
                page=row.uri,
                text=_excerpt(row.comment.text, 120),
            )
            for row in rows
        )
        name = site.title or site.name
        text = translate(
            "mail.digest.body",
            lang,
            count=total,
            site=name,
            items=items,
            link=self.dashboard_link(site.name),
        )
        subject = translate("mail.digest.subject", lang, count=total, site=name)
        mail = Mail(wanted[0].email, subject, text, lang, html=html_body(text, lang))
        return [mail_message(mail, site.id, dedup_key=f"digest-mail:{message.id}")]

    def _alert_mail(
        self, to: str, lang: str, comment: CommentRecord, thread: ThreadRecord, site: SiteRecord
    ) -> Mail:
        name = site.title or site.name
        text = translate(
            "mail.alert.body",
            lang,
            author=comment.author or "—",
            page=thread.title or thread.uri,
            text=_excerpt(comment.text, EXCERPT),
            link=self.dashboard_link(site.name, comment.id),
            site=name,
        )
        subject = translate("mail.alert.subject", lang, site=name)
        return Mail(to, subject, text, lang, html=html_body(text, lang))


def _excerpt(text: str, size: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


MODES = ("off", "each", "digest")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def checked_settings(user_id: int, site_id: int, values: dict[str, Any]) -> AlertSettings:
    """A moderator's alert form, checked: mode, digest minutes, quiet hours "HH:MM", zone, lang."""
    mode = values.get("mode", "off")
    minutes = values.get("digest_minutes", 60)
    zone = values.get("timezone") or "UTC"
    lang = values.get("lang") or "en"
    ok = (
        mode in MODES
        and isinstance(minutes, int)
        and not isinstance(minutes, bool)
        and 5 <= minutes <= 24 * 60
        and lang in languages()
        and isinstance(zone, str)
        and _known_zone(zone)
    )
    start = _minutes(values.get("quiet_start"))
    end = _minutes(values.get("quiet_end"))
    if not ok or start is False or end is False or (start is None) != (end is None):
        raise InvalidField("alerts_invalid", field="alerts")
    return AlertSettings(user_id, site_id, mode, minutes, start, end, zone, lang)


def clock_text(minutes: int | None) -> str:
    """Minutes after midnight as "HH:MM" ("" for none)."""
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: Any) -> int | bool | None:
    """ "HH:MM" as minutes after midnight; None when empty; False when malformed."""
    if value in (None, ""):
        return None
    found = _CLOCK.match(value) if isinstance(value, str) else None
    return int(found.group(1)) * 60 + int(found.group(2)) if found else False


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
