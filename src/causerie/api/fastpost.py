"""The posting hot path: a widget's new comment answered before the framework runs.

``POST /api/comments`` is the one write every reader makes. The documented
route (``api/comments.py``) costs routing, a pydantic model, dependency
resolution and FastAPI's response handling on top of the comment's own
work. This middleware answers the ordinary case directly: a JSON object
whose fields have exactly the types the route's model declares. It then
runs the same code as the route (``comments.post_new``: the same rules,
verdict, transaction and answer) in the same thread pool, and turns a
refusal into the same localized error response as the app's handlers.

Anything unusual goes on to the route, which validates and explains:
another content type, a body the JSON guard did not parse (``bodies.py``
leaves the parsed object in the scope), a missing field, a value pydantic
would have to coerce (``"5"`` for a parent, ``1`` for ``notify``). So a
request that reaches the route behaves as it always did, and one taken here
gets the answer the route would have given.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from causerie.api.bodies import PARSED_JSON
from causerie.api.comments import NewPost, post_new
from causerie.api.http import (
    on_causerie_error,
    on_database_unavailable,
    on_unexpected_error,
)
from causerie.core import validation
from causerie.core.errors import CauserieError

PATH = "/api/comments"
# NewCommentBody's optional text fields: absent, null or a string.
TEXT_FIELDS = ("author", "email", "website", "title", "site", "lang", "hp", "published")
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def parse_post(data: object) -> NewPost | None:
    """The body as ``NewCommentBody`` would read it, or None when only the route should judge.

    None for anything pydantic would refuse or coerce: the route then answers
    with its own words (``uri_required``, ``field_invalid`` …)."""
    if not isinstance(data, dict):
        return None
    uri = data.get("uri")
    text = data.get("text")
    if type(uri) is not str or type(text) is not str:
        return None
    texts: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = data.get(name)
        if value is not None and type(value) is not str:
            return None
        texts[name] = value
    parent = data.get("parent")
    if parent is not None and (type(parent) is not int or not 1 <= parent <= validation.MAX_ID):
        return None
    notify = data.get("notify", False)
    if type(notify) is not bool:
        return None
    elapsed = data.get("elapsed")
    if elapsed is not None:
        if type(elapsed) is int:
            elapsed = float(elapsed)
        elif type(elapsed) is not float:
            return None
    return NewPost.from_fields(
        {"uri": uri, "text": text, "parent": parent, "notify": notify, "elapsed": elapsed, **texts}
    )


class FastPosts:
    """ASGI middleware: answer an ordinary ``POST /api/comments`` without the framework."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Post the comment, or pass the request on to the documented route."""
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        post = parse_post(scope.get(PARSED_JSON))
        if post is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        response: Response
        try:
            response = await anyio.to_thread.run_sync(post_new, request, post)
        except CauserieError as exc:
            response = await on_causerie_error(request, exc)
        except UNAVAILABLE as exc:
            response = await on_database_unavailable(request, exc)
        except Exception as exc:
            # A bug: logged and answered like the app's handler, then raised on as it does.
            response = await on_unexpected_error(request, exc)
            await response(scope, receive, send)
            raise
        await response(scope, receive, send)
