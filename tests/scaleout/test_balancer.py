"""Through a real nginx in front of three servers: the dashboard, the widget, the Akismet API.

Every request goes through the balancer (round robin), so consecutive
requests land on different processes: a login made on one is used on the
others, an import running on one is polled on all, a comment posted on one
reaches a reader whose live stream is held by another. Readers connect from
their own loopback addresses (127.0.0.3, 127.0.0.4 …) so that the address
nginx forwards can be told from nginx's own.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

import akismet
from tests.akismet.conftest import BLOG, LoopbackTransport
from tests.importers.conftest import FIXTURES
from tests.moderation.conftest import PASSWORD
from tests.scaleout.conftest import Fleet, follow_stream

URI = "/2026/12/derriere-nginx"
ADMIN = "admin@journal.exemple"


def _reader(fleet: Fleet, address: str) -> httpx.Client:
    """A reader's browser: its own source address, talking to nginx only."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=fleet.url, transport=transport, timeout=20)


def _cli(fleet: Fleet, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "causerie", *args],
        env=fleet.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _follow(fleet: Fleet, found: list[int], ready: threading.Event, want: int) -> None:
    """A reader's live stream through nginx."""
    with _reader(fleet, "127.0.0.9") as http:
        follow_stream(http, URI, found, ready, want)


def _post(client: httpx.Client, text: str, **headers: str) -> httpx.Response:
    body = {"uri": URI, "text": text, "author": "Samira"}
    return client.post("/api/comments", json=body, headers=headers)


def test_widget_live_updates_and_rate_limits_across_the_balancer(
    balanced_fleet: Callable[..., Fleet],
) -> None:
    fleet = balanced_fleet(
        3, CAUSERIE_SECRET=secrets.token_hex(16), CAUSERIE_COMMENTS_PER_MINUTE="3"
    )
    samira, karim = _reader(fleet, "127.0.0.3"), _reader(fleet, "127.0.0.4")
    assert samira.get("/embed.js").status_code == 200
    assert samira.get("/api/comments", params={"uri": URI}).json()["total"] == 0  # cached now

    found: list[int] = []
    ready = threading.Event()
    listener = threading.Thread(target=_follow, args=(fleet, found, ready, 4))
    listener.start()
    assert ready.wait(15), "the live stream did not open through nginx"
    posted = [_post(samira, "Par le balanceur")]
    # One comment straight to each server: at least two of them are not the stream's.
    for server in fleet.servers:
        transport = httpx.HTTPTransport(local_address="127.0.0.5")
        with httpx.Client(base_url=server.url, transport=transport, timeout=20) as direct:
            posted.append(_post(direct, "Direct"))
    assert [p.status_code for p in posted] == [201] * 4, [p.text for p in posted]
    listener.join(30)
    assert sorted(found) == sorted(p.json()["id"] for p in posted), "a live update was lost"
    # Every process answers the new thread (their cached empty reads were dropped).
    totals = {samira.get("/api/comments", params={"uri": URI}).json()["total"] for _ in range(6)}
    assert totals == {4}

    # The limit (3 a minute) is the reader's, counted across processes; a forged header
    # does not make another reader of her, and another reader is not limited by her.
    assert [_post(samira, f"encore {i}").status_code for i in range(2)] == [201, 201]
    limited = _post(samira, "de trop")
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited"
    forged = _post(samira, "déguisée", **{"X-Forwarded-For": "198.51.100.7"})
    assert forged.status_code == 429
    assert _post(karim, "Karim, lui, peut").status_code == 201
    # Too large a body is refused by Causerie itself, in JSON and in the reader's language.
    huge = samira.post(
        "/api/comments",
        json={"uri": URI, "text": "x" * 100_000, "author": "S"},
        headers={"Accept-Language": "fr"},
    )
    assert huge.status_code == 413 and huge.json()["error"] == "body_too_large", huge.text


def _login(fleet: Fleet, address: str) -> tuple[httpx.Client, str]:
    admin = _reader(fleet, address)
    answer = admin.post("/api/admin/login", json={"email": ADMIN, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return admin, str(answer.json()["csrf"])


def _big_export(folder: Path) -> Path:
    """A WordPress export larger than the 256 KB every other request is held to."""
    text = (FIXTURES / "wordpress-1.2.xml").read_text(encoding="utf-8")
    path = folder / "export.xml"
    path.write_text(text + "\n<!-- " + "rembourrage " * 40_000 + "-->\n", encoding="utf-8")
    return path


def test_dashboard_and_akismet_through_the_balancer(
    balanced_fleet: Callable[..., Fleet], tmp_path: Path
) -> None:
    fleet = balanced_fleet(3, CAUSERIE_SECRET=secrets.token_hex(16))
    _cli(fleet, "user", "add", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD)
    admin, csrf = _login(fleet, "127.0.0.6")
    changing = {"X-CSRF-Token": csrf}
    # The session works on every process (6 requests: each server twice).
    assert {admin.get("/api/admin/me").status_code for _ in range(6)} == {200}

    # Import: the upload goes to one server; its progress is polled on all of them.
    export = _big_export(tmp_path)
    started = admin.post(
        "/api/admin/imports",
        params={"site": "default", "format": "wordpress"},
        content=export.read_bytes(),
        headers={**changing, "X-File-Name": "export.xml"},
    )
    assert started.status_code == 202, started.text
    polls: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = admin.get(f"/api/admin/imports/{started.json()['id']}")
        assert answer.status_code == 200, answer.text  # whichever server answers
        polls.append(answer.json())
        if polls[-1]["state"] != "running" and len(polls) >= 3:
            break
        time.sleep(0.1)
    assert polls[-1]["state"] == "done" and polls[-1]["comments"] == 22, polls[-1]

    # Settings: hold every comment; within the 5 s of the site cache, every process agrees.
    put = admin.put(
        "/api/admin/sites/default/settings", json={"moderation": "hold_all"}, headers=changing
    )
    assert put.status_code == 200, put.text
    reader = _reader(fleet, "127.0.0.7")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        modes = {reader.get("/api/config").json()["moderation"] for _ in range(3)}
        if modes == {"hold_all"}:
            break
        time.sleep(0.5)
    assert modes == {"hold_all"}
    held = _post(reader, "À modérer").json()
    assert held["state"] == "pending"

    # Moderation: the queue shows it on any process; approving it publishes it on all.
    queue = admin.get("/api/admin/comments", params={"state": "pending"}).json()
    assert held["id"] in [c["id"] for c in queue["comments"]]
    done = admin.post(
        "/api/admin/comments/action",
        json={"action": "approve", "ids": [held["id"]]},
        headers=changing,
    )
    assert done.status_code == 200, done.text
    for _ in range(3):
        ids = [c["id"] for c in reader.get("/api/comments", params={"uri": URI}).json()["comments"]]
        assert ids == [held["id"]]

    # The Akismet API, with the real client from PyPI, through nginx.
    key = _cli(fleet, "key", "create", "--site", BLOG)
    http = httpx.Client(
        transport=LoopbackTransport(fleet.url), headers={"User-Agent": akismet.USER_AGENT}
    )
    client = akismet.SyncClient.validated_client(
        config=akismet.Config(key=key, url=BLOG), http_client=http
    )
    spam = {"comment_author": "akismet-guaranteed-spam", "comment_content": "Hello"}
    ham = {"user_role": "administrator", "comment_content": "Hello"}
    for _ in range(3):  # each server in turn
        assert client.comment_check("198.51.100.7", **spam) is akismet.CheckResponse.SPAM
        assert client.comment_check("198.51.100.7", **ham) is akismet.CheckResponse.HAM
    assert client.submit_spam("198.51.100.7", comment_content="Buy now", is_test=True)
