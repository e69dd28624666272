"""The external moderation hook: a site's own moderator, asked before a comment is stored.

When a site sets ``moderation_hook_url``, each new comment the filter does not
call spam is POSTed there as JSON, signed like webhooks
(``Causerie-Signature: t=…,v1=…``, HMAC-SHA256 of ``"<t>.<body>"`` with the
site's ``moderation_hook_secret``), and the answer decides:

- ``200 {"action": "approve" | "hold" | "reject", "reason": "…"}``, or ``204`` (no opinion);
- anything else — a timeout, a refused connection, a non-2xx, a malformed
  answer — leaves Causerie's own verdict, with a ``hook_failed`` reason; the
  failure is logged. The comment is stored in every case.

``approve`` publishes what only Causerie's own doubt held, never what a
moderator's rule holds (``core/admission.py``). The HTTP call itself is the
channel's (``notify/moderation_hook.py``); here is what is sent and what the
answer means.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from causerie import __version__
from causerie.core.admission import Admission, reason
from causerie.core.sites import SiteSettings
from causerie.core.webhooks import SIGNATURE_HEADER, sign
from causerie.store.records import CommentState, SiteRecord

log = logging.getLogger("causerie.moderation_hook")

EVENT = "comment.moderate"
ACTIONS = ("approve", "hold", "reject")
MAX_REASON = 500


@dataclass(frozen=True)
class HookCall:
    """One signed POST to a site's hook, with its time budget."""

    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float  # seconds for the whole call
    allow_private: bool


@dataclass(frozen=True)
class HookReply:
    """What came back: a status and a body, or why nothing did (``timeout``, an error)."""

    status: int | None
    body: bytes
    ms: float
    error: str = ""
    timed_out: bool = False


@dataclass(frozen=True)
class HookOutcome:
    """The hook's answer as Causerie reads it."""

    outcome: str  # approve | hold | reject | none | timeout | error | invalid
    reason: str
    status: int | None
    ms: float
    error: str = ""

    @property
    def failed(self) -> bool:
        """No usable answer: Causerie's own verdict stands."""
        return self.outcome in ("timeout", "error", "invalid")


# Performs the POST (notify/moderation_hook.py); never raises.
Post = Callable[[HookCall], HookReply]


@dataclass(frozen=True)
class CommentDraft:
    """What the hook is told of a comment not stored yet."""

    text: str
    html: str
    lang: str
    parent_id: int | None
    author: str
    signed_in: bool
    created: float
    uri: str
    title: str


def request_body(site: SiteRecord, draft: CommentDraft, own: Admission, verdict: Any) -> bytes:
    """The JSON a hook receives (the author's name, never her e-mail or address)."""
    body = {
        "type": EVENT,
        "site": site.name,
        "comment": {
            "text": draft.text,
            "html": draft.html,
            "lang": draft.lang,
            "parent_id": draft.parent_id,
            "author": draft.author,
            "signed_in": draft.signed_in,
            "created": draft.created,
        },
        "thread": {"uri": draft.uri, "title": draft.title},
        "causerie": {
            "state": own.state.value,
            "spam_score": round(float(verdict.score), 4),
            "reasons": [{"code": r.code, "weight": r.weight} for r in verdict.reasons]
            + [{"code": r["code"], "weight": r["weight"]} for r in own.reasons],
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signed_call(conf: SiteSettings, body: bytes, now: float) -> HookCall:
    """The POST for this site's hook, signed now."""
    stamp = int(now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Causerie/{__version__} (moderation hook)",
        SIGNATURE_HEADER: f"t={stamp},v1={sign(conf.moderation_hook_secret, stamp, body)}",
        "Causerie-Event": EVENT,
    }
    return HookCall(
        url=conf.moderation_hook_url,
        body=body,
        headers=headers,
        timeout=conf.moderation_hook_timeout_ms / 1000,
        allow_private=conf.moderation_hook_allow_private,
    )


def read_reply(reply: HookReply) -> HookOutcome:
    """What a hook's reply means (``timeout``/``error``/``invalid`` when it means nothing)."""
    if reply.timed_out:
        return HookOutcome("timeout", "", None, reply.ms, reply.error or "timed out")
    if reply.status is None:
        return HookOutcome("error", "", None, reply.ms, reply.error or "no answer")
    if reply.status == 204:
        return HookOutcome("none", "", 204, reply.ms)
    if reply.status != 200:
        return HookOutcome("error", "", reply.status, reply.ms, f"HTTP {reply.status}")
    try:
        data = json.loads(reply.body)
    except ValueError:
        return HookOutcome("invalid", "", 200, reply.ms, "the answer is not JSON")
    action = data.get("action") if isinstance(data, dict) else None
    said = data.get("reason", "") if isinstance(data, dict) else ""
    if action not in ACTIONS or not isinstance(said, str):
        return HookOutcome("invalid", "", 200, reply.ms, "no valid action in the answer")
    return HookOutcome(str(action), said.strip()[:MAX_REASON], 200, reply.ms)


def apply(own: Admission, heard: HookOutcome) -> Admission:
    """Causerie's admission changed by the hook's answer."""
    if heard.failed:
        kept = reason("hook_failed", outcome=heard.outcome, error=heard.error[:200])
        return replace(own, reasons=[*own.reasons, kept])
    if heard.outcome == "none":
        return own
    said = reason(f"hook_{heard.outcome}", reason=heard.reason)
    reasons = [*own.reasons, said]
    if heard.outcome == "reject":
        return replace(own, state=CommentState.DELETED, reasons=reasons)
    if heard.outcome == "hold" or own.by_rule:
        return replace(own, state=CommentState.PENDING, reasons=reasons)
    return Admission(CommentState.APPROVED, reasons)


@dataclass
class ExternalModeration:
    """Asks a site's hook about a new comment (only sites that set one pay for it)."""

    post: Post
    clock: Callable[[], float] = time.time

    def ask(self, site: SiteRecord, conf: SiteSettings, body: bytes) -> HookOutcome:
        """Call the hook and read its answer; a failure is logged, never raised."""
        heard = read_reply(self.post(signed_call(conf, body, self.clock())))
        if heard.failed:
            log.warning(
                "moderation hook of site %s: %s (%s) after %.0f ms; Causerie's verdict applies",
                site.name,
                heard.outcome,
                heard.error,
                heard.ms,
            )
        return heard

    def decide(
        self,
        site: SiteRecord,
        conf: SiteSettings,
        draft: CommentDraft,
        own: Admission,
        verdict: Any,
    ) -> Admission:
        """The admission after the hook's answer (unchanged for spam: the hook is not asked)."""
        if own.state is CommentState.SPAM or not conf.moderation_hook_url:
            return own
        return apply(own, self.ask(site, conf, request_body(site, draft, own, verdict)))

    def test(self, site: SiteRecord, conf: SiteSettings) -> HookOutcome:
        """Call the hook with a sample comment (the dashboard's "try it" button)."""
        draft = CommentDraft(
            text="Test", html="<p>Test</p>", lang="", parent_id=None, author="Causerie",
            signed_in=False, created=self.clock(), uri="/causerie-test", title="Causerie test",
        )  # fmt: skip
        own = Admission(CommentState.APPROVED)
        body = request_body(site, draft, own, _NoVerdict())
        return self.ask(site, conf, body)


class _NoVerdict:
    score = 0.0
    reasons: tuple[Any, ...] = ()
