"""The dashboard's notifications: webhooks per site, one's own alerts, failed deliveries.

Webhooks are changed by admins only (a webhook can carry readers' data out);
a secret is shown once, when created or rotated. Moderators see the failed
deliveries of their sites and may send one again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from causerie.api.http import JSONBody
from causerie.api.moderation import Changing, Reading, moderation
from causerie.api.params import Id
from causerie.api.state import runtime_of
from causerie.core.accounts import Session
from causerie.core.alerts import checked_settings, clock_text
from causerie.core.errors import NotFound
from causerie.core.events import EVENT_TYPES
from causerie.core.webhooks import WebhookService
from causerie.store.records import AlertSettings, OutboxMessage, SiteRecord, WebhookRecord

router = APIRouter(prefix="/api/admin", tags=["notifications"])
FAILURES_SHOWN = 100


class WebhookBody(BaseModel):
    """A webhook's settings (all optional when changing one)."""

    url: str | None = None
    events: list[str] | None = Field(None, description=" | ".join(EVENT_TYPES))
    personal_data: bool | None = None
    allow_private: bool | None = None
    active: bool | None = None


class AlertsBody(BaseModel):
    """One's alert settings for a site."""

    mode: str = Field("off", description="off | each | digest")
    digest_minutes: int = 60
    quiet_start: str = Field("", description='"HH:MM", empty for none')
    quiet_end: str = ""
    timezone: str = "UTC"
    lang: str = "en"


def _service(request: Request) -> WebhookService:
    return runtime_of(request).webhooks


def _hook(request: Request, session: Session, webhook_id: int) -> tuple[WebhookRecord, SiteRecord]:
    hook = runtime_of(request).stores.notifications.webhook(webhook_id)
    site = runtime_of(request).store.site_by_id(hook.site_id) if hook else None
    if hook is None or site is None:
        raise NotFound("webhook_not_found")
    moderation(request).site(session, site.name)  # 403 outside one's sites
    return hook, site


def _webhook_view(hook: WebhookRecord, secret: str | None = None) -> dict[str, Any]:
    view = {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "personal_data": hook.personal_data,
        "allow_private": hook.allow_private,
        "active": hook.active,
        "created": hook.created,
        "secret_hint": hook.secret[:10] + "…",
        "rotating_until": hook.previous_until if hook.previous_secret else None,
    }
    if secret is not None:
        view["secret"] = secret  # shown once
    return view


def _delivery_view(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "uid": message.uid,
        "channel": message.channel,
        "site_id": message.site_id,
        "type": message.payload.get("type") or message.payload.get("subject", ""),
        "to": message.payload.get("to", ""),
        "state": message.state.value,
        "attempts": message.attempts,
        "created": message.created,
        "finished": message.finished,
        "next_attempt": message.not_before if message.state.value == "pending" else None,
        "status": message.last_status,
        "duration_ms": message.last_duration_ms,
        "error": message.last_error,
    }


@router.get("/sites/{name}/webhooks", summary="A site's webhooks")
def list_webhooks(request: Request, name: str, session: Reading) -> JSONBody:
    """Each webhook with its events and choices (secrets are never shown again)."""
    site = moderation(request).site(session, name)
    hooks = _service(request).of_site(site)
    return JSONBody(
        {
            "webhooks": [_webhook_view(h) for h in hooks],
            "events": list(EVENT_TYPES),
            "may_change": session.is_admin,
        }
    )


@router.post("/sites/{name}/webhooks", status_code=201, summary="Add a webhook")
def add_webhook(request: Request, name: str, body: WebhookBody, session: Changing) -> JSONBody:
    """A new webhook; the answer carries its secret, shown this once."""
    site = moderation(request).site(session, name)
    hook = _service(request).add(session.is_admin, site, body.model_dump(exclude_none=True))
    return JSONBody(_webhook_view(hook, hook.secret), status_code=201)


@router.put("/webhooks/{webhook_id}", summary="Change a webhook")
def change_webhook(
    request: Request, webhook_id: Id, body: WebhookBody, session: Changing
) -> JSONBody:
    """URL, events, personal data, private addresses, active."""
    hook, _ = _hook(request, session, webhook_id)
    changed = _service(request).change(session.is_admin, hook, body.model_dump(exclude_none=True))
    return JSONBody(_webhook_view(changed))


@router.delete("/webhooks/{webhook_id}", summary="Remove a webhook")
def delete_webhook(request: Request, webhook_id: Id, session: Changing) -> JSONBody:
    """Calls still queued for it are given up."""
    hook, _ = _hook(request, session, webhook_id)
    _service(request).delete(session.is_admin, hook)
    return JSONBody({"deleted": hook.id})


@router.post("/webhooks/{webhook_id}/rotate", summary="Rotate a webhook's secret")
def rotate_secret(request: Request, webhook_id: Id, session: Changing) -> JSONBody:
    """A new secret (shown once); the old one still signs, as a second v1=, for a day."""
    hook, _ = _hook(request, session, webhook_id)
    rotated = _service(request).rotate(session.is_admin, hook)
    return JSONBody(_webhook_view(rotated, rotated.secret))


@router.post("/webhooks/{webhook_id}/test", status_code=202, summary="Send a test event")
def send_test(request: Request, webhook_id: Id, session: Changing) -> JSONBody:
    """Queue a ``webhook.test`` call now; its outcome appears in the delivery log."""
    hook, site = _hook(request, session, webhook_id)
    queued = _service(request).send_test(hook, site)
    return JSONBody({"queued": queued}, status_code=202)


@router.get("/webhooks/{webhook_id}/deliveries", summary="A webhook's delivery log")
def deliveries(request: Request, webhook_id: Id, session: Reading) -> JSONBody:
    """The latest calls: state, attempts, HTTP status, response time, error."""
    hook, _ = _hook(request, session, webhook_id)
    return JSONBody({"deliveries": [_delivery_view(m) for m in _service(request).deliveries(hook)]})


@router.get("/outbox/failures", summary="Messages given up")
def failures(request: Request, session: Reading) -> JSONBody:
    """Mails and webhook calls the outbox stopped trying, on the sites one may see."""
    site_ids = moderation(request).site_ids(session)
    found = runtime_of(request).stores.outbox.failures(site_ids, FAILURES_SHOWN)
    counts = runtime_of(request).stores.outbox.counts() if session.is_admin else None
    return JSONBody({"failures": [_delivery_view(m) for m in found], "counts": counts})


@router.post("/outbox/{message_id}/retry", summary="Try a given-up message again")
def retry(request: Request, message_id: Id, session: Changing) -> JSONBody:
    """One more attempt now (a 404 unless it was given up, on one of one's sites)."""
    outbox = runtime_of(request).stores.outbox
    message = outbox.message(message_id)
    allowed = moderation(request).site_ids(session)
    visible = message is not None and (allowed is None or message.site_id in allowed)
    if not visible or not outbox.retry_now(message_id, runtime_of(request).comments.clock()):
        raise NotFound("delivery_not_found")
    return JSONBody({"retried": message_id})


def _alerts_view(chosen: AlertSettings, site: SiteRecord) -> dict[str, Any]:
    return {
        "site": site.name,
        "mode": chosen.mode,
        "digest_minutes": chosen.digest_minutes,
        "quiet_start": clock_text(chosen.quiet_start),
        "quiet_end": clock_text(chosen.quiet_end),
        "timezone": chosen.timezone,
        "lang": chosen.lang,
    }


@router.get("/alerts", summary="One's moderation alerts")
def my_alerts(request: Request, session: Reading) -> JSONBody:
    """For each site one moderates: off, a mail per held comment, or a digest."""
    mine = {
        a.site_id: a for a in runtime_of(request).stores.notifications.alerts_of(session.user.id)
    }
    views = [
        _alerts_view(mine.get(site.id) or AlertSettings(session.user.id, site.id), site)
        for site in moderation(request).sites(session)
    ]
    return JSONBody({"alerts": views, "mail": runtime_of(request).mailer.enabled})


@router.put("/sites/{name}/alerts", summary="Set one's alerts for a site")
def set_alerts(request: Request, name: str, body: AlertsBody, session: Changing) -> JSONBody:
    """Mode, digest interval, quiet hours ("HH:MM" in the time zone), language."""
    site = moderation(request).site(session, name)
    chosen = checked_settings(session.user.id, site.id, body.model_dump())
    runtime_of(request).stores.notifications.set_alerts(chosen)
    return JSONBody(_alerts_view(chosen, site))
