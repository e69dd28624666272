"""Readers' rights over HTTP: the privacy notice, export and erasure, mail links.

- ``GET /privacy`` — the notice of a site, from its live settings (fr, en, ar).
- ``POST /api/privacy/export`` and ``/api/privacy/erase`` — with ``email``: a
  signed, time-limited confirmation link goes to that address (202); with a
  comment's ``edit_token``: done at once for that comment.
- ``/privacy/confirm``, ``/privacy/subscribe``, ``/privacy/unsubscribe`` —
  where links in mails lead; a GET shows a button, only the POST acts, so that
  mail scanners opening links change nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from causerie.api import privacy_pages as pages
from causerie.api.http import JSONBody, request_lang, status_of
from causerie.api.state import runtime_of
from causerie.core.errors import CauserieError, InvalidField
from causerie.core.i18n import normalise_language, translate
from causerie.core.privacy import LINK_MAX_AGE, notice_text
from causerie.core.sites import SiteSettings

router = APIRouter(tags=["privacy"])


class RightsBody(BaseModel):
    """Who asks: an e-mail address (confirmed by mail) or a comment's edit token."""

    email: str | None = Field(None, description="Every comment and trace of this address.")
    edit_token: str | None = Field(None, description="Only the comment of this edit token.")
    site: str | None = Field(None, description="The site asked from (language, links).")
    lang: str | None = Field(None, description="Language of the confirmation mail.")


def _base_url(request: Request) -> str:
    settings = runtime_of(request).settings
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _download(document: dict[str, Any]) -> Response:
    return Response(
        orjson.dumps(document, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="causerie-data.json"',
            "Cache-Control": "no-store",
        },
    )


def _lang(request: Request, explicit: str | None = None) -> str:
    return normalise_language(explicit) or request_lang(request)


def _rights(request: Request, body: RightsBody, kind: str) -> Response:
    service = runtime_of(request).privacy
    site = service.comments.site(body.site).name
    if body.edit_token:
        if kind == "export":
            document = service.export_comment(body.edit_token)
            service.log(kind, "token", site, None, len(document["comments"]))
            return _download(document)
        items = service.erase_comment(body.edit_token)
        service.log(kind, "token", site, None, items)
        return JSONBody({"status": "erased", "items": items})
    if not body.email:
        raise InvalidField("privacy_identity_required", field="email")
    service.request_by_email(kind, body.email, site, _lang(request, body.lang), _base_url(request))
    return JSONBody({"status": "confirmation_sent"}, status_code=202)


@router.post("/api/privacy/export", summary="Get all one's data (by e-mail or edit token)")
def export_data(request: Request, body: RightsBody) -> Response:
    """202 and a mail with a confirmation link, or the JSON file at once for an edit token."""
    return _rights(request, body, "export")


@router.post("/api/privacy/erase", summary="Erase one's data (by e-mail or edit token)")
def erase_data(request: Request, body: RightsBody) -> Response:
    """202 and a mail with a confirmation link, or erasure at once for an edit token."""
    return _rights(request, body, "erase")


@router.get("/privacy", include_in_schema=False)
def privacy_notice(request: Request, site: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The privacy notice of a site, generated from its live settings."""
    state = runtime_of(request)
    comments = state.privacy.comments
    record = comments.site(site)
    facts = pages.NoticeFacts(
        site=record.name,
        title=record.title.strip(),
        lang=_lang(request),
        conf=SiteSettings.for_site(comments.settings, record),
        settings=comments.settings,
        mail_on=state.mailer.enabled,
        generated=comments.clock(),
    )
    return HTMLResponse(pages.notice(facts), headers={"Content-Language": facts.lang})


def _html(lang: str, title_key: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        pages.page(lang, notice_text(title_key, lang), body),
        status_code=status,
        headers={"Content-Language": lang, "Cache-Control": "no-store"},
    )


def _invalid(lang: str) -> HTMLResponse:
    return _html(
        lang, "page.invalid.title", pages.paragraph(notice_text("page.invalid.body", lang)), 400
    )


@router.post("/privacy/request", include_in_schema=False)
async def request_by_form(request: Request) -> HTMLResponse:
    """The notice page's form: mail a confirmation link, say so."""
    form = await request.form()
    lang = _lang(request, str(form.get("lang") or ""))
    email, kind = str(form.get("email") or ""), str(form.get("kind") or "")
    service = runtime_of(request).privacy
    try:
        site = service.comments.site(str(form.get("site") or "")).name
        await run_in_threadpool(
            service.request_by_email, kind, email, site, lang, _base_url(request)
        )
    except CauserieError as exc:
        message = translate(f"error.{exc.code}", lang, **exc.params)
        return _html(lang, "page.error.title", pages.paragraph(message), status_of(exc))
    text = notice_text("page.sent.body", lang, hours=int(LINK_MAX_AGE // 3600))
    return _html(lang, "page.sent.title", pages.paragraph(text), 202)


@router.get("/privacy/confirm", include_in_schema=False)
def confirm_page(request: Request, token: str = "") -> HTMLResponse:
    """Where a confirmation link leads: says what will happen, behind a button."""
    try:
        confirmed = runtime_of(request).privacy.check_link(token)
    except CauserieError:
        return _invalid(_lang(request))
    lang, kind = confirmed.lang, confirmed.kind
    body = pages.paragraph(notice_text(f"page.confirm.{kind}.body", lang)) + pages.button_form(
        "/privacy/confirm", token, notice_text(f"page.confirm.{kind}.button", lang)
    )
    return _html(lang, f"page.confirm.{kind}.title", body)


@router.post("/privacy/confirm", include_in_schema=False)
async def confirm(request: Request) -> Response:
    """Carry out a confirmed request: the JSON file, or erasure."""
    token = str((await request.form()).get("token") or "")
    service = runtime_of(request).privacy
    try:
        confirmed = await run_in_threadpool(service.check_link, token)
    except CauserieError:
        return _invalid(_lang(request))
    items, document = await run_in_threadpool(service.carry_out, confirmed)
    if document is not None:
        return _download(document)
    text = notice_text("page.erased.body", confirmed.lang, count=items)
    return _html(confirmed.lang, "page.erased.title", pages.paragraph(text))


@router.get("/privacy/subscribe", include_in_schema=False)
def subscribe_page(request: Request, token: str = "") -> HTMLResponse:
    """Confirmation of reply notifications, behind a button."""
    lang = _lang(request)
    body = pages.paragraph(notice_text("page.subscribe.body", lang)) + pages.button_form(
        "/privacy/subscribe", token, notice_text("page.subscribe.button", lang)
    )
    return _html(lang, "page.subscribe.title", body)


@router.post("/privacy/subscribe", include_in_schema=False)
async def subscribe(request: Request) -> HTMLResponse:
    """Confirm a subscription (double opt-in)."""
    token = str((await request.form()).get("token") or "")
    lang = _lang(request)
    state = runtime_of(request)
    days = state.privacy.settings.unconfirmed_retention_days
    try:
        sub_id = state.links.subscription_id(token, days)
    except CauserieError:
        return _invalid(lang)
    now = state.privacy.clock()
    if not await run_in_threadpool(state.privacy.records.confirm_subscription, sub_id, now):
        return _invalid(lang)
    text = pages.paragraph(notice_text("page.subscribed.body", lang))
    return _html(lang, "page.subscribe.title", text)


@router.get("/privacy/unsubscribe", include_in_schema=False)
def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
    """Stop reply notifications, behind a button."""
    lang = _lang(request)
    action = "/privacy/unsubscribe"
    body = pages.paragraph(notice_text("page.unsubscribe.body", lang)) + pages.button_form(
        action, token, notice_text("page.unsubscribe.button", lang)
    )
    return _html(lang, "page.unsubscribe.title", body)


@router.post("/privacy/unsubscribe", include_in_schema=False)
async def unsubscribe(request: Request, token: str = "") -> HTMLResponse:
    """Stop notifications; also the RFC 8058 one-click target (token in the query)."""
    token = token or str((await request.form()).get("token") or "")
    lang = _lang(request)
    state = runtime_of(request)
    try:
        comment_id = state.links.unsubscribe_id(token)
    except CauserieError:
        return _invalid(lang)
    await run_in_threadpool(state.privacy.records.unsubscribe, comment_id)
    return _html(
        lang, "page.unsubscribe.title", pages.paragraph(notice_text("page.unsubscribed.body", lang))
    )
