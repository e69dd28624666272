"""Domain errors carry a kind, never an HTTP status; api/http.py alone maps kinds to statuses."""

from __future__ import annotations

import pytest

from causerie.api.http import status_of
from causerie.core import errors
from causerie.core.errors import CauserieError


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.CauserieError("privacy_link_invalid"), 400),
        (errors.NotAuthenticated("login_failed"), 401),
        (errors.Forbidden("thread_closed"), 403),
        (errors.NotFound("site_not_found"), 404),
        (errors.Conflict("already_voted"), 409),
        (errors.InvalidField("text_required", field="text"), 422),
        (errors.RateLimited(), 429),
    ],
)
def test_each_kind_has_one_status(error: CauserieError, status: int) -> None:
    assert status_of(error) == status


def test_a_new_kind_inherits_the_status_of_its_parent() -> None:
    class TooManyLinks(errors.InvalidField):
        pass

    assert status_of(TooManyLinks("links_too_many", field="text")) == 422


def test_domain_errors_know_no_status() -> None:
    error = errors.InvalidField("email_invalid", field="email")
    assert not hasattr(error, "status")
    assert error.code == "email_invalid" and error.params == {"field": "email"}
