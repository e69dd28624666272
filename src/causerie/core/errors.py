"""Errors a client can cause: a kind (the class), a stable code and message parameters.

The domain says *what* went wrong, never how a protocol reports it: the one
mapping from these kinds to HTTP status codes is ``api/http.py``. The message
itself is looked up in the reader's language when the error is turned into a
response (``error.<code>`` in the catalogs).

======================  ===========================================  ======
kind                    example codes                                HTTP
======================  ===========================================  ======
``CauserieError``       ``privacy_link_invalid``                     400
``NotAuthenticated``    ``not_authenticated``, ``login_failed``      401
``Forbidden``           ``thread_closed``, ``edit_window_closed``    403
``NotFound``            ``site_not_found``, ``thread_not_found``     404
``Conflict``            ``already_voted``, ``user_exists``           409
``InvalidField``        ``text_required``, ``email_invalid``         422
``RateLimited``         ``rate_limited``, ``account_locked``         429
======================  ===========================================  ======
"""

from __future__ import annotations


class CauserieError(Exception):
    """A request the domain refuses, with a stable code shown in the client's language."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotAuthenticated(CauserieError):
    """The client must first say who it is (sign in)."""


class Forbidden(CauserieError):
    """The client may not do this."""

    def __init__(self, code: str = "forbidden", **params: object) -> None:
        super().__init__(code, **params)


class NotFound(CauserieError):
    """The thing asked for does not exist (or is not visible)."""

    def __init__(self, code: str = "not_found", **params: object) -> None:
        super().__init__(code, **params)


class Conflict(CauserieError):
    """The request contradicts what is already stored (done twice, exists already)."""


class InvalidField(CauserieError):
    """One field of the request has a value the rules refuse; ``field`` names it."""

    def __init__(self, code: str, field: str, **params: object) -> None:
        super().__init__(code, field=field, **params)


class RateLimited(CauserieError):
    """Too many attempts in a short time; the client should wait."""

    def __init__(self, code: str = "rate_limited", **params: object) -> None:
        super().__init__(code, **params)
