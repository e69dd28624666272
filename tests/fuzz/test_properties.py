"""Hypothesis properties of the validation layer: any input gets an answer, never a crash.

- Any string (lone surrogates, controls, bidi overrides, any script) in any field
  of a new comment: a 201 or a JSON 4xx in the one error shape, never a 5xx.
- The checks themselves either return a value or raise ``CauserieError``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ada_url
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from causerie.api.http import status_of
from causerie.app import create_app
from causerie.core import markup, threads, validation
from causerie.core.errors import CauserieError
from tests import conftest

# Every code point, lone surrogates included (st.text() leaves those out by default).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)
# Text shaped like what the checks look for, so that they get past their first test.
URLISH = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["", "http://", "https://", "//", "/", "javascript:", "HTTPS://", "http:\\\\"]),
    st.text(
        st.characters(codec=None, exclude_categories=()) | st.sampled_from("[]:@.#%/\\?"),
        max_size=60,
    ),
)
FIELDS = ["uri", "text", "author", "email", "website", "title", "site", "lang", "hp"]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One app on a SQLite file for the whole module (the property runs many requests)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'props.db'}"
        app = create_app(conftest.test_settings(url, allow_anonymous=True))
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
        app.state.runtime.engine.dispose()


def _json_with_surrogates(payload: dict[str, Any]) -> bytes:
    # ensure_ascii writes lone surrogates as \\udxxx escapes, as a hostile client would.
    return json.dumps(payload).encode()


@settings(PROPERTY, max_examples=500)
@given(field=st.sampled_from(FIELDS), value=ANY_TEXT | URLISH)
def test_any_string_in_any_field_is_201_or_a_json_4xx(
    client: TestClient, field: str, value: str
) -> None:
    payload = {"uri": "/article", "text": "Bonjour", "author": "Samira", field: value}
    response = client.post(
        "/api/comments",
        content=_json_with_surrogates(payload),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201 or 400 <= response.status_code < 500, response.text
    if response.status_code != 201:
        body = response.json()
        assert set(body) >= {"error", "message"} and body["message"], body


@PROPERTY
@given(value=ANY_TEXT | URLISH)
def test_website_check_returns_a_browser_url_or_refuses(value: str) -> None:
    try:
        website = validation.check_website(value)
    except CauserieError as error:
        assert status_of(error) == 422
        return
    if website is not None:
        parsed = ada_url.URL(website)  # a browser can follow it
        assert parsed.protocol in ("http:", "https:")


@PROPERTY
@given(value=ANY_TEXT | URLISH)
def test_uri_check_keeps_paths_on_the_site_or_refuses(value: str) -> None:
    try:
        uri = validation.check_uri(value)
    except CauserieError as error:
        assert status_of(error) == 422
        return
    base = validation.PATH_BASE
    target = ada_url.URL(base + uri if uri.startswith("/") else uri)
    if uri.startswith("/"):
        assert target.origin == base


@PROPERTY
@given(value=ANY_TEXT | st.integers() | st.from_regex(r"[0-9٠-٩⁰-⁹+_ -]{0,30}"))
def test_bounded_int_is_within_bounds_or_refuses(value: object) -> None:
    try:
        number = validation.bounded_int(value, "limit", 1, 200)
    except CauserieError as error:
        assert status_of(error) == 422
        return
    assert 1 <= number <= 200


@PROPERTY
@given(cursor=ANY_TEXT | st.binary(max_size=300).map(lambda b: b.hex()))
def test_any_cursor_decodes_or_refuses(cursor: str) -> None:
    for sort in threads.SORTS:
        try:
            values = threads.decode_cursor(cursor, sort)
        except CauserieError as error:
            assert error.code == "cursor_invalid"
            continue
        assert values is None or all(isinstance(v, float) for v in values)


@PROPERTY
@given(text=st.text(max_size=400) | st.builds("[a]({})".format, URLISH))
def test_rendered_links_are_absolute(text: str) -> None:
    html = markup.render(text)
    for href in html.split('href="')[1:]:
        assert href.lower().startswith(("http:", "https:", "mailto:")), html
