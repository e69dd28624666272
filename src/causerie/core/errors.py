"""Errors a client can cause: a code, an HTTP status and message parameters.

The message itself is looked up in the reader's language when the error is
turned into a response (``error.<code>`` in the catalogs).
"""

from __future__ import annotations


class CauserieError(Exception):
    """An error with a stable code, shown to the client in its language."""

    def __init__(self, code: str, status: int = 400, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params


class NotFound(CauserieError):
    """The thing asked for does not exist (or is not visible)."""

    def __init__(self, code: str = "not_found", **params: object) -> None:
        super().__init__(code, 404, **params)


class Forbidden(CauserieError):
    """The client may not do this."""

    def __init__(self, code: str = "forbidden", **params: object) -> None:
        super().__init__(code, 403, **params)
