"""The PyPI ``akismet`` client (SyncClient and AsyncClient) against Causerie.

The client's base URL is fixed to rest.akismet.com, so it gets an injected
httpx client: for SyncClient a transport that sends to a real ``causerie
serve`` process on loopback, for AsyncClient an ASGITransport into the app.
"""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

import akismet
from tests.akismet.conftest import BLOG, LoopbackTransport, new_key
from tests.conftest import LiveServer

SPAM_TRIGGER = {"comment_author": "akismet-guaranteed-spam", "comment_content": "Hello"}
HAM_TRIGGER = {"user_role": "administrator", "comment_content": "Hello"}


def _cli_key(server: LiveServer, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "causerie", "key", *args],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _sync_client(server: LiveServer, key: str) -> akismet.SyncClient:
    http = httpx.Client(
        transport=LoopbackTransport(server.url),
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=5.0,
    )
    return akismet.SyncClient(config=akismet.Config(key=key, url=BLOG), http_client=http)


def test_sync_client_against_a_live_server(
    live_server: Callable[..., LiveServer], database_url: str
) -> None:
    server = live_server(CAUSERIE_DATABASE_URL=database_url, CAUSERIE_SPAM_FILTER="false")
    key = _cli_key(server, "create", "--site", BLOG)
    assert len(key) == 12

    client = akismet.SyncClient.validated_client(
        config=akismet.Config(key=key, url=BLOG), http_client=_sync_client(server, key)._http_client
    )
    assert client.verify_key()
    assert not client.verify_key("zzzzzzzzzzzz", BLOG)
    assert not client.verify_key("short", BLOG)
    with pytest.raises(akismet.APIKeyError):
        akismet.SyncClient.validated_client(
            config=akismet.Config(key="zzzzzzzzzzzz", url=BLOG),
            http_client=_sync_client(server, key)._http_client,
        )

    assert client.comment_check("198.51.100.7", **SPAM_TRIGGER) is akismet.CheckResponse.SPAM
    assert client.comment_check("198.51.100.7", **HAM_TRIGGER) is akismet.CheckResponse.HAM
    assert client.submit_spam("198.51.100.7", comment_content="Buy now", is_test=True)
    assert client.submit_ham("198.51.100.7", comment_content="Merci", is_test=True)

    usage = client.usage_limit()
    assert usage == {"limit": "none", "usage": 4, "percentage": "0.00", "throttled": False}

    # key_sites() sends no api_key: a client-level query parameter carries it.
    http = httpx.Client(transport=LoopbackTransport(server.url), params={"api_key": key})
    with akismet.SyncClient(config=akismet.Config(key=key, url=BLOG), http_client=http) as c:
        sites = c.key_sites()
        table = c.key_sites(result_format="csv")
    month = next(k for k in sites if k not in ("limit", "offset", "total"))
    assert sites[month] == [
        {
            "site": BLOG,
            "api_calls": "4",
            "spam": "1",
            "ham": "1",
            "missed_spam": "0",
            "false_positives": "0",
            "is_revoked": False,
        }
    ]
    assert (sites["limit"], sites["offset"], sites["total"]) == (500, 0, 1)
    assert isinstance(table, str)
    lines = table.splitlines()
    assert lines[0] == f"Active sites for {key} during {month} (limit:500, offset: 0, total: 1)"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[1] == [BLOG, "4", "1", "1", "0", "0", "false"]


def test_key_revoked_from_the_cli_stops_working_on_a_running_server(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(CAUSERIE_SPAM_FILTER="false")
    key = _cli_key(server, "create", "--site", "https://other.example")
    client = _sync_client(server, key)
    assert client.verify_key()
    assert client.comment_check("198.51.100.7", **HAM_TRIGGER) is akismet.CheckResponse.HAM
    assert "revoked key" in _cli_key(server, "revoke", key[:6])
    # Keys are cached for 5 s per process: wait for the cache to expire.
    deadline = time.monotonic() + 20
    while client.verify_key() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not client.verify_key()
    with pytest.raises(akismet.APIKeyError):
        client.comment_check("198.51.100.7", **HAM_TRIGGER)
    listing = _cli_key(server, "list")
    assert key[:4] + "…" in listing and "revoked" in listing
    assert key not in listing


def test_async_client_in_process(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)

    async def scenario() -> dict[str, object]:
        transport = httpx.ASGITransport(app=akismet_app, client=("198.51.100.9", 4000))
        async with httpx.AsyncClient(transport=transport) as http:
            config = akismet.Config(key=key, url=BLOG)
            client = await akismet.AsyncClient.validated_client(config=config, http_client=http)
            assert not await client.verify_key("zzzzzzzzzzzz", BLOG)
            spam = await client.comment_check("198.51.100.7", **SPAM_TRIGGER)
            ham = await client.comment_check("198.51.100.7", **HAM_TRIGGER)
            assert (spam, ham) == (akismet.CheckResponse.SPAM, akismet.CheckResponse.HAM)
            assert await client.submit_spam("198.51.100.7", comment_content="x", is_test=True)
            assert await client.submit_ham("198.51.100.7", comment_content="y", is_test=True)
            usage: dict[str, object] = await client.usage_limit()
            return usage

    usage = asyncio.run(scenario())
    assert usage["usage"] == 4 and usage["throttled"] is False


def test_learning_through_submit_spam_changes_the_next_verdict(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)
    other_key = new_key(akismet_app, "https://elsewhere.example")
    text = "Replica watches and designer handbags at wholesale prices, order from our shop today"
    comment = {"comment_content": text, "comment_author": "Watch Outlet", "comment_type": "comment"}

    async def scenario() -> list[akismet.CheckResponse]:
        transport = httpx.ASGITransport(app=akismet_app)
        async with httpx.AsyncClient(transport=transport) as http:
            client = akismet.AsyncClient(akismet.Config(key=key, url=BLOG), http_client=http)
            other = akismet.AsyncClient(akismet.Config(other_key, "https://e.example"), http)
            before = await client.comment_check("203.0.113.5", **comment)
            await client.submit_spam("203.0.113.5", is_test=True, **comment)
            after_test = await client.comment_check("203.0.113.5", **comment)
            await client.submit_spam("203.0.113.5", **comment)
            after = await client.comment_check("203.0.113.6", **comment)
            elsewhere = await other.comment_check("203.0.113.6", **comment)
            return [before, after_test, after, elsewhere]

    before, after_test, after, elsewhere = asyncio.run(scenario())
    assert before is akismet.CheckResponse.HAM
    assert after_test is akismet.CheckResponse.HAM, "is_test=1 must not teach the filter"
    assert after is not akismet.CheckResponse.HAM, "submit-spam teaches the key's site"
    assert elsewhere is akismet.CheckResponse.HAM, "another site's filter is unchanged"


def test_async_client_with_a_wordpress_locale_and_an_unknown_method(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)  # a new key: 12 hex characters

    async def scenario() -> tuple[akismet.CheckResponse, type[Exception] | None]:
        transport = httpx.ASGITransport(app=akismet_app)
        async with httpx.AsyncClient(transport=transport) as http:
            config = akismet.Config(key=key, url=BLOG)
            client = await akismet.AsyncClient.validated_client(config=config, http_client=http)
            verdict = await client.comment_check(
                "198.51.100.7", comment_content="Très bon article, merci.", blog_lang="fr_FR"
            )
            try:  # the client's own request path, to a method Akismet does not have
                await client._post_request("1.1", "no-such-method", "198.51.100.7")
            except akismet.AkismetError as exc:
                return verdict, type(exc)
            return verdict, None

    verdict, error = asyncio.run(scenario())
    assert verdict is akismet.CheckResponse.HAM
    assert error is akismet.RequestError, "a 404, not a body the client could misread"
