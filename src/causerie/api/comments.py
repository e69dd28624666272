"""The public comment API used by the widget (and anyone else)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from causerie.api.cache import PUBLIC_CACHE_CONTROL, CachedRead, etag_for, read_key
from causerie.api.http import JSONBody, client_ip, request_lang
from causerie.api.params import Digits, Id
from causerie.api.signin import SESSION_HEADER
from causerie.api.state import runtime_of, web_of
from causerie.core import markup, threads, validation
from causerie.core.comments import CommentInput, CommentService, Reader
from causerie.core.errors import InvalidField
from causerie.core.threads import public_comment
from causerie.store.records import CommentRecord, CommentState

router = APIRouter(prefix="/api", tags=["comments"])

TOKEN_HEADER = "X-Causerie-Tokens"


class NewCommentBody(BaseModel):
    """A reader's new comment."""

    uri: str = Field(description="The page's thread key: its path or canonical URL.")
    text: str = Field(description="Markdown text of the comment.")
    author: str | None = Field(None, description="Display name (required unless anonymous).")
    email: str | None = Field(None, description="Optional; never shown publicly.")
    website: str | None = Field(None, description="Optional http(s) URL.")
    parent: Id | None = Field(None, description="Id of the comment this one replies to.")
    title: str | None = Field(None, description="The page's title, stored with a new thread.")
    site: str | None = Field(None, description="Site name (default site if absent).")
    lang: str | None = Field(None, description="The page's language (fr, en, ar …).")
    notify: bool = Field(False, description="Send an e-mail on replies (needs an e-mail).")
    hp: str | None = Field(None, description="Honeypot field: humans leave it empty.")
    elapsed: float | None = Field(None, description="Seconds between page load and submit.")
    published: str | None = Field(
        None,
        description="The article's publication date (ISO 8601), kept with a new thread: "
        "threads may close N days after it.",
    )


class EditBody(BaseModel):
    """New content for one's own comment."""

    text: str
    author: str | None = None
    website: str | None = None


class VoteBody(BaseModel):
    """An up (1) or down (-1) vote."""

    value: int


class ReportBody(BaseModel):
    """A reader's report on a comment."""

    reason: str = Field(
        description="spam | abuse (insult or hate) | off_topic | personal_data | other"
    )
    text: str | None = Field(None, description="A few words; required for `other` (≤ 500).")
    lang: str | None = Field(None, description="The page's language (fr, en, ar …).")


class PreviewBody(BaseModel):
    """Markdown to render."""

    text: str


def _service(request: Request) -> CommentService:
    return runtime_of(request).comments


def _reader(request: Request, lang: str | None = None) -> Reader:
    runtime = runtime_of(request)
    session = request.headers.get(SESSION_HEADER)
    return Reader(
        ip=client_ip(request, runtime.settings.trusted_proxies),
        user_agent=request.headers.get("user-agent", ""),
        lang=(lang or request_lang(request))[:16],
        # The signed-in reader, if the widget sent a live session.
        signed_in=runtime.readers.reader_of(session) if session else None,
    )


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


@router.get("/comments", summary="Read a thread as a tree, one page at a time")
async def read_thread(
    request: Request,
    uri: Annotated[str, Query(description="The page's thread key")],
    site: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query(description="oldest | newest | top")] = None,
    cursor: Annotated[
        str | None,
        Query(max_length=threads.MAX_CURSOR, description="`next` of the previous page"),
    ] = None,
    limit: Annotated[
        int | None,
        Query(ge=1, le=threads.MAX_LIMIT, description="Top-level comments per page"),
        Digits,
    ] = None,
    tokens: Annotated[str | None, Header(alias=TOKEN_HEADER)] = None,
    featured: Annotated[
        bool, Query(description="1: only the editors' picks (at most 50, newest first)")
    ] = False,
) -> Response:
    """Approved comments (and the reader's own pending ones) with ETag caching."""
    page = threads.parse_page_request(sort, cursor, limit)
    service = _service(request)
    if featured:
        body = orjson.dumps(await run_in_threadpool(service.featured_page, site, uri))
        tag = etag_for(body)
        headers = {"ETag": tag, "Cache-Control": PUBLIC_CACHE_CONTROL.decode()}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)
    cache = web_of(request).thread_cache
    if tokens:
        body = await run_in_threadpool(_thread_body, service, site, uri, page, tokens)
        return Response(
            body, media_type="application/json", headers={"Cache-Control": "private, no-store"}
        )
    key = read_key(site, uri, page.sort, cursor, page.limit)
    assert key is not None  # parse_page_request accepted these parameters
    entry = cache.get(key) or await _refresh(request, key, site, uri, page)
    headers = {"ETag": entry.etag, "Cache-Control": PUBLIC_CACHE_CONTROL.decode()}
    if request.headers.get("if-none-match") == entry.etag:
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type="application/json", headers=headers)


async def _refresh(
    request: Request, key: tuple[str, ...], site: str | None, uri: str, page: threads.PageRequest
) -> CachedRead:
    """Compute a read once however many readers ask at the same moment.

    While one request computes it, the others wait for that result, or get
    the previous answer when it merely aged out (other processes may have
    changed the thread; this one did not).
    """
    cache = web_of(request).thread_cache
    inflight = web_of(request).inflight
    pending = inflight.get(key)
    if pending is not None:
        stale = cache.stale(key)
        return stale if stale is not None else await asyncio.shield(pending)
    future: asyncio.Future[CachedRead] = asyncio.get_running_loop().create_future()
    inflight[key] = future
    try:
        site_name = site or "default"
        generation = cache.generation(site_name, uri)
        service = _service(request)
        body = await run_in_threadpool(_thread_body, service, site, uri, page, None)
        entry = cache.put(site_name, uri, key, body, generation)
        future.set_result(entry)
        return entry
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved here, so an unawaited failure is not logged twice
        raise
    finally:
        del inflight[key]


def _thread_body(
    service: CommentService,
    site_name: str | None,
    uri: str,
    page: threads.PageRequest,
    tokens: str | None,
) -> bytes:
    own = threads.own_ids_from_tokens(service.secret, tokens)
    return orjson.dumps(service.thread_page(site_name, uri, page, own))


@dataclass(frozen=True)
class NewPost:
    """A new comment as posted: the domain's input, and the site and language the body names."""

    comment: CommentInput
    site: str | None = None
    lang: str | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> NewPost:
        """From the body's fields as the wire names them (``hp``, ``elapsed``), already checked.

        Read by the route's model or by the fast path (``fastpost.py``); ``fields`` is consumed.
        """
        site, lang = fields.pop("site", None), fields.pop("lang", None)
        fields["honeypot"] = fields.pop("hp", None)
        fields["seconds_to_submit"] = fields.pop("elapsed", None)
        return cls(CommentInput(**fields), site, lang)


@router.post("/comments", status_code=201, summary="Post a comment (or a reply)")
def post_comment(request: Request, body: NewCommentBody) -> JSONBody:
    """Create a comment; the answer holds its state and the token to edit it."""
    return post_new(request, NewPost.from_fields(body.model_dump()))


def post_new(request: Request, body: NewPost) -> JSONBody:
    """The one way a new comment is posted, by the route or the fast path (in a worker thread)."""
    service = _service(request)
    reader = _reader(request, body.lang)
    comment, token = service.create(body.site, body.comment, reader)
    window = service.site_settings(service.site(body.site)).edit_window_seconds
    out = _told_author(comment, service.secret)
    out.update(
        uri=validation.check_uri(body.comment.uri),
        edit_token=token,
        edit_until=threads.iso(comment.created + window),
    )
    return JSONBody(out, status_code=201)


@router.patch("/comments/{comment_id:int}", summary="Edit one's own comment within the window")
def edit_comment(
    request: Request,
    comment_id: Id,
    body: EditBody,
    authorization: Annotated[str | None, Header()] = None,
) -> JSONBody:
    """Change the text (and name or website) of one's own comment."""
    service = _service(request)
    comment = service.edit(comment_id, _bearer(authorization), body.text, body.author, body.website)
    return JSONBody(_told_author(comment, service.secret))


def _told_author(comment: CommentRecord, secret: str) -> dict[str, Any]:
    """The comment as its author is told of it after posting or editing."""
    out: dict[str, Any] = public_comment(comment, secret)
    if comment.state is CommentState.DELETED:
        # Rejected by the site's moderation hook: like a spam verdict, not told as such.
        out["state"] = CommentState.PENDING.value
    return out


@router.delete("/comments/{comment_id:int}", summary="Delete one's own comment within the window")
def delete_comment(
    request: Request, comment_id: Id, authorization: Annotated[str | None, Header()] = None
) -> JSONBody:
    """Delete; a comment with replies stays in place as "deleted"."""
    service = _service(request)
    comment = service.delete(comment_id, _bearer(authorization))
    return JSONBody({"id": comment.id, "state": threads.public_state(comment.state)})


@router.post("/comments/{comment_id:int}/vote", summary="Vote a comment up or down, once")
def vote_comment(request: Request, comment_id: Id, body: VoteBody) -> JSONBody:
    """Record a vote; a second vote by the same reader is a 409."""
    service = _service(request)
    likes, dislikes = service.vote(comment_id, body.value, _reader(request))
    return JSONBody({"id": comment_id, "likes": likes, "dislikes": dislikes})


@router.post(
    "/comments/{comment_id:int}/reports",
    status_code=201,
    summary="Report a comment to the moderators, once per reader",
)
def report_comment(request: Request, comment_id: Id, body: ReportBody) -> JSONBody:
    """One report per reader and comment (409 ``already_reported``), rate limited like posts."""
    reader = _reader(request, body.lang)
    runtime_of(request).reports.report(comment_id, body.reason, body.text, reader)
    return JSONBody({"id": comment_id, "reported": True}, status_code=201)


@router.get("/counts", summary="Comment counts for several pages")
def counts(
    request: Request,
    uri: Annotated[list[str], Query(description="Repeat for each page")],
    site: Annotated[str | None, Query()] = None,
) -> JSONBody:
    """``{"counts": {uri: n}}`` with approved comments only."""
    if len(uri) > 200:
        raise InvalidField("limit_invalid", field="uri", max=200)
    service = _service(request)
    found = service.counts(site, uri)
    return JSONBody({"counts": found}, headers={"Cache-Control": "public, max-age=30"})


@router.post("/preview", summary="Render markdown as the thread would show it")
def preview(body: PreviewBody) -> JSONBody:
    """The sanitized HTML of a comment's text."""
    if len(body.text) > 100_000:
        raise InvalidField("text_too_long", field="text", max=100_000)
    return JSONBody({"html": markup.render(body.text)})


@router.get("/config", summary="What the widget needs to know about a site")
def site_config(request: Request, site: Annotated[str | None, Query()] = None) -> JSONBody:
    """Public settings: edit window, anonymous comments, moderation, length limit."""
    service = _service(request)
    record = service.site(site)
    conf = service.site_settings(record)
    return JSONBody(
        {
            "site": record.name,
            "edit_window_seconds": conf.edit_window_seconds,
            "allow_anonymous": conf.allow_anonymous,
            "moderation": conf.moderation,
            "max_comment_length": conf.max_comment_length,
            "languages": list(conf.languages),
            # Who may comment and the sign-in buttons (GET /api/signin/options, in one trip).
            "signin": runtime_of(request).readers.options(record.name),
        }
    )
