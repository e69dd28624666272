"""The moderator API under ``/api/admin``: session cookie, CSRF token on every change.

Log in with ``POST /api/admin/login``; the answer sets an HttpOnly, SameSite=Strict
cookie (Secure over HTTPS) and returns the session's CSRF token, which every
request that changes something must send back in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from causerie.api.cards import card_extras, site_link
from causerie.api.http import JSONBody, client_ip, request_lang
from causerie.api.params import Digits, Id, Offset
from causerie.api.state import runtime_of
from causerie.core.accounts import AccountService, Session
from causerie.core.blocks import MAX_BLOCK_DAYS
from causerie.core.errors import Forbidden, InvalidField, NotAuthenticated
from causerie.core.moderation import MAX_BULK, ModerationService
from causerie.core.threads import iso
from causerie.store.records import Queue, QueueFilter, QueueRow, ReportSummary

COOKIE = "causerie_admin"
CSRF_HEADER = "X-CSRF-Token"

router = APIRouter(prefix="/api/admin", tags=["moderation"])


class LoginBody(BaseModel):
    """E-mail and password of a dashboard account."""

    email: str
    password: str


class PasswordBody(BaseModel):
    """The current password and the new one."""

    current: str
    new: str


class ActionBody(BaseModel):
    """One action on a selection of comments."""

    action: str = Field(
        description="approve | delete | spam | not_spam | pin | unpin | keep | reject"
        " | feature | unfeature"
    )
    ids: list[Id] = Field(max_length=MAX_BULK)


class TextBody(BaseModel):
    """Markdown text (an edit or a reply)."""

    text: str


class CloseBody(BaseModel):
    """Close (true) or reopen (false) a thread."""

    closed: bool = True


class BlockAuthorBody(BaseModel):
    """Block a comment's author by e-mail, IP range or exact (hashed) address."""

    by: str = Field(description="email | ip_range | ip_hash")
    days: int = Field(30, ge=0, le=MAX_BLOCK_DAYS, description="0 blocks for good")


class BlockBody(BaseModel):
    """A block entered by hand."""

    site: str
    kind: str = Field(description="email | ip_range | ip_hash")
    value: str
    days: int = Field(30, ge=0, le=MAX_BLOCK_DAYS)
    note: str = ""


def accounts(request: Request) -> AccountService:
    """The account service of this app."""
    return runtime_of(request).accounts


def moderation(request: Request) -> ModerationService:
    """The moderation service of this app."""
    return runtime_of(request).moderation


def current_session(request: Request) -> Session:
    """The logged-in moderator, or a 401."""
    session = accounts(request).session(request.cookies.get(COOKIE))
    if session is None:
        raise NotAuthenticated("not_authenticated")
    return session


def changing_session(
    request: Request, session: Annotated[Session, Depends(current_session)]
) -> Session:
    """The logged-in moderator of a request that changes something: CSRF checked."""
    if not AccountService.csrf_ok(session, request.headers.get(CSRF_HEADER)):
        raise Forbidden("csrf_invalid")
    return session


Reading = Annotated[Session, Depends(current_session)]
Changing = Annotated[Session, Depends(changing_session)]


def _is_https(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def _me(session: Session, service: ModerationService) -> dict[str, Any]:
    return {
        "email": session.user.email,
        "role": session.user.role,
        "csrf": session.csrf,
        "sites": [{"name": s.name, "title": s.title} for s in service.sites(session)],
    }


@router.post("/login", summary="Open a dashboard session")
def login(request: Request, body: LoginBody) -> JSONBody:
    """Check the password; set the session cookie; return the CSRF token."""
    ip = client_ip(request, runtime_of(request).settings.trusted_proxies)
    cookie, session = accounts(request).login(body.email, body.password, ip)
    response = JSONBody(_me(session, moderation(request)))
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=12 * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )
    return response


@router.post("/logout", summary="Close this session")
def logout(request: Request, session: Changing) -> JSONBody:
    """Forget the session on the server and in the browser."""
    accounts(request).logout(session)
    response = JSONBody({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/me", summary="Who is logged in, with the CSRF token and sites")
def me(request: Request, session: Reading) -> JSONBody:
    """The session's user, role, sites and CSRF token."""
    return JSONBody(_me(session, moderation(request)))


@router.post("/password", summary="Change one's own password")
def change_password(request: Request, body: PasswordBody, session: Changing) -> JSONBody:
    """Other sessions of the account are closed; log in again."""
    accounts(request).change_password(session, body.current, body.new)
    return JSONBody({"ok": True})


def moderator_view(
    row: QueueRow, lang: str, summary: ReportSummary | None = None, link: str | None = None
) -> dict[str, Any]:
    """Everything a moderator sees of a comment in a queue (card_extras: the desk's part)."""
    c = row.comment
    view = {
        "id": c.id,
        "site": row.site,
        "uri": row.uri,
        "thread_id": c.thread_id,
        "thread_title": row.thread_title,
        "thread_closed": row.thread_closed,
        "parent": c.parent_id,
        "state": c.state.value,
        "author": c.author,
        "email": c.email,
        "website": c.website,
        "text": c.text,
        "html": c.html,
        "lang": c.lang,
        "created": iso(c.created),
        "modified": iso(c.modified),
        "ip_prefix": c.ip_prefix,
        "has_ip_hash": bool(c.ip_hash),
        "spam_score": c.spam_score,
        "spam_verdict": c.spam_verdict,
        "pinned": c.pinned,
        "by_site": c.by_site,
        # A signed-in reader: GET /api/admin/readers/{identity_id} lists her comments.
        "identity_id": c.identity_id,
        "likes": c.likes,
        "dislikes": c.dislikes,
        "reports_open": c.reports_open,
    }
    view.update(card_extras(row, summary, link, lang))
    return view


QUEUES = ", ".join([q.value for q in Queue] + ["rejected"])


@router.get("/comments", summary="A moderation queue, newest first")
def queue(
    request: Request,
    session: Reading,
    state: Annotated[str, Query(description=QUEUES)] = "pending",
    site: str | None = None,
    thread: Annotated[Id | None, Query()] = None,
    reader: Annotated[str, Query(max_length=64, description="A reader key")] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    author: Annotated[str, Query(max_length=200)] = "",
    email: Annotated[str, Query(max_length=320)] = "",
    ip: Annotated[str, Query(max_length=64)] = "",
    limit: Annotated[int, Query(ge=1, le=200), Digits] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> JSONBody:
    """Comments of one queue, filtered by site, thread, reader, text, author, e-mail or IP."""
    chosen = "deleted" if state == "rejected" else state
    if chosen not in {s.value for s in Queue}:
        raise InvalidField("field_invalid", field="state")
    f = QueueFilter(
        Queue(chosen),
        None,
        thread,
        q.strip(),
        author.strip(),
        email.strip(),
        ip.strip(),
        reader.strip(),
    )
    service = moderation(request)
    rows, total = service.queue(session, f, site, limit, offset)
    lang = request_lang(request)
    summaries = runtime_of(request).reports.summaries([r.comment.id for r in rows])
    links = _links(service, rows)
    views = [
        moderator_view(r, lang, summaries.get(r.comment.id), links.get(r.comment.id)) for r in rows
    ]
    return JSONBody({"total": total, "offset": offset, "comments": views})


def _links(service: ModerationService, rows: list[QueueRow]) -> dict[int, str | None]:
    """Each card's article address (sites read once per page, from their cache)."""
    confs = {}
    out = {}
    for row in rows:
        if row.site not in confs:
            found = service.comments.store.site(row.site)
            confs[row.site] = service.comments.site_settings(found) if found else None
        conf = confs[row.site]
        out[row.comment.id] = site_link(conf, row.uri) if conf else None
    return out


@router.post("/comments/action", summary="Approve, delete, mark spam / not spam, pin")
def act(request: Request, body: ActionBody, session: Changing) -> JSONBody:
    """One action on one or many comments; spam decisions teach the site's filter."""
    done = moderation(request).act(session, body.action, body.ids)
    updated = [
        {
            "id": c.id,
            "state": c.state.value,
            "pinned": c.pinned,
            "featured": c.featured,
            "reports_open": c.reports_open,
        }
        for c in done
    ]
    return JSONBody({"updated": updated})


@router.patch("/comments/{comment_id:int}", summary="Edit a comment's text")
def edit(request: Request, comment_id: Id, body: TextBody, session: Changing) -> JSONBody:
    """Replace the text; the author's name and data stay."""
    c = moderation(request).edit(session, comment_id, body.text)
    return JSONBody({"id": c.id, "text": c.text, "html": c.html})


@router.post("/comments/{comment_id:int}/reply", status_code=201, summary="Reply as the site")
def reply(request: Request, comment_id: Id, body: TextBody, session: Changing) -> JSONBody:
    """A reply published at once, with the site's badge (``by_site``)."""
    c = moderation(request).reply(session, comment_id, body.text)
    return JSONBody({"id": c.id, "parent": c.parent_id, "by_site": c.by_site}, status_code=201)


@router.post(
    "/comments/{comment_id:int}/block", status_code=201, summary="Block a comment's author"
)
def block_author(
    request: Request, comment_id: Id, body: BlockAuthorBody, session: Changing
) -> JSONBody:
    """Block by e-mail, IP range (/24, /48) or exact hashed address, for some days."""
    block = moderation(request).block_author(session, comment_id, body.by, body.days)
    return JSONBody(_block_view(block), status_code=201)


@router.post("/threads/{thread_id:int}/close", summary="Close or reopen a thread")
def close_thread(request: Request, thread_id: Id, body: CloseBody, session: Changing) -> JSONBody:
    """Readers can no longer post on a closed thread."""
    thread = moderation(request).close_thread(session, thread_id, body.closed)
    return JSONBody({"id": thread.id, "closed": thread.closed})


@router.post("/undo", summary="Undo one's last action")
def undo(request: Request, session: Changing) -> JSONBody:
    """Revert the last action (a whole bulk selection at once)."""
    entries = moderation(request).undo(session)
    return JSONBody(
        {"undone": entries[0]["action"], "comments": [e["comment_id"] for e in entries]}
    )


def _block_view(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": block["id"],
        "site_id": block["site_id"],
        "kind": block["kind"],
        "value": block["value"],
        "note": block["note"],
        "created": iso(block["created"]),
        "expires": iso(block["expires"]),
        "created_by": block["created_by"],
    }


@router.get("/blocks", summary="Blocks in force")
def blocks(request: Request, session: Reading) -> JSONBody:
    """Blocks on the session's sites, newest first."""
    return JSONBody({"blocks": [_block_view(b) for b in moderation(request).blocks(session)]})


@router.post("/blocks", status_code=201, summary="Add a block by hand")
def add_block(request: Request, body: BlockBody, session: Changing) -> JSONBody:
    """Block an e-mail or an IP range on one site for some days (0: for good)."""
    block = moderation(request).add_block(
        session, body.site, body.kind, body.value, body.days, body.note
    )
    return JSONBody(_block_view(block), status_code=201)


@router.delete("/blocks/{block_id:int}", summary="Lift a block")
def remove_block(request: Request, block_id: Id, session: Changing) -> JSONBody:
    """The author may comment again."""
    moderation(request).remove_block(session, block_id)
    return JSONBody({"ok": True})


@router.get("/audit", summary="Who did what, when")
def audit(
    request: Request,
    session: Reading,
    limit: Annotated[int, Query(ge=1, le=500), Digits] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> JSONBody:
    """Moderator actions on the session's sites, newest first."""
    entries = moderation(request).audit_page(session, limit, offset)
    for entry in entries:
        entry["created"] = iso(entry["created"])
    return JSONBody({"entries": entries})
