"""Fixtures for the Akismet-compatible API: an app with a real filter, keys, clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from causerie.app import create_app
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.store.learning import SqlLearningLog
from tests.conftest import test_settings

BLOG = "https://news.example"


def blank_filter(app: FastAPI) -> Filter:
    """A real filter whose global model knows nothing and leans to ham.

    Tests must not depend on the shipped model's weights; the site layer,
    the rules and the learning log are the real ones.
    """
    model = GlobalModel.blank()
    model.bias = -4.0
    return Filter(model, SqlLearningLog(app.state.runtime.engine))


@pytest.fixture
def akismet_app(database_url: str) -> Iterator[FastAPI]:
    """The Causerie app on the parametrised database, with :func:`blank_filter`."""
    app = create_app(test_settings(database_url))
    app.state.runtime.spam = blank_filter(app)
    yield app
    app.state.runtime.usage.close()
    app.state.runtime.engine.dispose()


def new_key(app: FastAPI, site: str = BLOG, **options: Any) -> str:
    """Issue a key for a site of this app."""
    key, _ = app.state.runtime.api_keys.create(site, **options)
    return key


class LoopbackTransport(httpx.HTTPTransport):
    """Sends every request to a local server; the Host header stays the client's."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite scheme, host and port, then send."""
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        return super().handle_request(request)
