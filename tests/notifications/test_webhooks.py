"""Webhooks against a real HTTP receiver: retries, signatures, rotation, the address guard.

Signatures are checked here with the standard library's ``hmac``, not with the
project's code, as a receiver would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from causerie.core.delivery import DeliveryFailed
from causerie.core.outbox import OutboxWorker, RetryPolicy
from causerie.notify.webhook import destination, refusal
from tests.moderation.conftest import Moderator
from tests.notifications.receiver import Call, Receiver

FAST = RetryPolicy(base_seconds=0.05, max_delay_seconds=0.2, give_up_after=60)


def _worker(admin: Moderator) -> OutboxWorker:
    worker: OutboxWorker = admin.client.app.state.runtime.outbox  # type: ignore[attr-defined]
    worker.policy = FAST
    return worker


def _hook(admin: Moderator, url: str, **choices: Any) -> dict[str, Any]:
    created = admin.send("POST", "/sites/default/webhooks", {"url": url, **choices})
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    assert data["secret"].startswith("whsec_")
    return data


def _verify(call: Call, secrets: list[str], tolerance: float = 300) -> dict[str, Any]:
    """What a receiver does: parse ``t=…,v1=…``, recompute with hmac, compare in constant time."""
    header = call.headers["Causerie-Signature"]
    pairs = [part.split("=", 1) for part in header.split(",")]
    stamp = next(v for k, v in pairs if k == "t")
    given = [v for k, v in pairs if k == "v1"]
    for secret in secrets:
        expected = hmac.new(
            secret.encode(), stamp.encode() + b"." + call.body, hashlib.sha256
        ).hexdigest()
        assert any(hmac.compare_digest(expected, g) for g in given), f"not signed with {secret}"
    body: dict[str, Any] = json.loads(call.body)
    return body


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt(
    admin_client: Callable[..., Moderator], receiver: Receiver
) -> None:
    admin = admin_client()
    worker = _worker(admin)
    hook = _hook(admin, receiver.url, allow_private=True)
    # A server error, a redirect (never followed), a timeout-like 503, then success.
    receiver.script = [500, 302, 503]
    posted = admin.client.post(
        "/api/comments",
        json={
            "uri": "/2026/tram",
            "text": "Bonne analyse",
            "author": "Samira",
            "email": "s@example.org",
        },
    )
    assert posted.status_code == 201
    calls = receiver.wait_for(4)
    assert worker.drain()
    assert [c.status for c in calls] == [500, 302, 503, 200]
    assert {c.path for c in calls} == {"/hooks/causerie"}  # the redirect was not followed
    # One delivery id for every attempt: the receiver can drop duplicates.
    assert len({c.headers["Causerie-Delivery"] for c in calls}) == 1
    body = _verify(calls[-1], [hook["secret"]])
    assert body["type"] == "comment.created" and calls[-1].headers["Causerie-Event"] == body["type"]
    comment = body["data"]["comment"]
    assert comment["id"] == posted.json()["id"] and comment["text"] == "Bonne analyse"
    assert "author" not in comment and "email" not in comment  # no personal data unless ticked
    assert body["data"]["thread"]["uri"] == "/2026/tram"
    log = admin.get(f"/webhooks/{hook['id']}/deliveries").json()["deliveries"]
    assert [(d["state"], d["attempts"], d["status"]) for d in log] == [("sent", 4, 200)]
    assert log[0]["duration_ms"] > 0


def test_events_of_moderation_and_edits_reach_the_hooks_that_want_them(
    admin_client: Callable[..., Moderator], receiver: Receiver
) -> None:
    admin = admin_client(moderation="hold_all")
    _worker(admin)
    hook = _hook(
        admin,
        receiver.url,
        allow_private=True,
        personal_data=True,
        events=["comment.approved", "comment.spam", "comment.deleted", "comment.edited"],
    )
    ids = [
        admin.client.post(
            "/api/comments", json={"uri": "/a", "text": f"Texte {n}", "author": "Karim"}
        ).json()["id"]
        for n in range(3)
    ]
    assert admin.act("approve", ids[0]).status_code == 200
    assert admin.act("spam", ids[1]).status_code == 200
    assert admin.act("delete", ids[2]).status_code == 200
    assert admin.send("PATCH", f"/comments/{ids[0]}", {"text": "Texte revu"}).status_code == 200
    calls = receiver.wait_for(4)
    bodies = [_verify(c, [hook["secret"]]) for c in calls]
    seen = sorted((b["type"], b["data"]["comment"]["id"]) for b in bodies)
    assert seen == sorted(
        [
            ("comment.approved", ids[0]),
            ("comment.spam", ids[1]),
            ("comment.deleted", ids[2]),
            ("comment.edited", ids[0]),
        ]
    )
    assert all(b["data"]["comment"]["author"] == "Karim" for b in bodies)  # ticked: included


def test_rotation_signs_with_both_secrets_and_the_test_button_sends_a_ping(
    admin_client: Callable[..., Moderator], receiver: Receiver
) -> None:
    admin = admin_client()
    _worker(admin)
    hook = _hook(admin, receiver.url, allow_private=True)
    rotated = admin.send("POST", f"/webhooks/{hook['id']}/rotate").json()
    assert rotated["secret"] != hook["secret"] and rotated["rotating_until"]
    assert admin.send("POST", f"/webhooks/{hook['id']}/test").status_code == 202
    (call,) = receiver.wait_for(1)
    body = _verify(call, [rotated["secret"], hook["secret"]])
    assert body["type"] == "webhook.test"
    listed = admin.get("/sites/default/webhooks").json()["webhooks"]
    assert "secret" not in listed[0] and listed[0]["secret_hint"] == rotated["secret"][:10] + "…"


def test_a_hook_to_loopback_is_refused_until_the_admin_allows_it(
    admin_client: Callable[..., Moderator], receiver: Receiver
) -> None:
    admin = admin_client()
    worker = _worker(admin)
    hook = _hook(admin, receiver.url)  # allow_private not ticked
    assert admin.send("POST", f"/webhooks/{hook['id']}/test").status_code == 202
    assert worker.drain()
    assert receiver.calls == []
    (failed,) = admin.get("/outbox/failures").json()["failures"]
    assert failed["channel"] == "webhook" and "destination refused" in failed["error"]
    assert "127.0.0.1" in failed["error"] and "loopback" in failed["error"]
    changed = admin.send("PUT", f"/webhooks/{hook['id']}", {"allow_private": True})
    assert changed.json()["allow_private"] is True
    assert admin.send("POST", f"/outbox/{failed['id']}/retry").status_code == 200
    assert receiver.wait_for(1)[0].status == 200
    assert admin.get("/outbox/failures").json()["failures"] == []


def test_only_admins_change_webhooks_and_bad_urls_are_422(
    admin_client: Callable[..., Moderator],
) -> None:
    from tests.moderation.conftest import add_user, login

    admin = admin_client()
    for url in ("ftp://hooks.example/x", "https://user:pw@hooks.example/", "not a url", ""):
        refused = admin.send("POST", "/sites/default/webhooks", {"url": url})
        assert refused.status_code == 422 and refused.json()["error"] == "webhook_url_invalid"
    wrong_event = admin.send(
        "POST", "/sites/default/webhooks", {"url": "https://h.example/", "events": ["x"]}
    )
    assert wrong_event.status_code == 422
    add_user(admin.client, "mod@news.example", "moderator", ("default",))
    moderator = login(admin.client, "mod@news.example")
    denied = moderator.send("POST", "/sites/default/webhooks", {"url": "https://h.example/"})
    assert denied.status_code == 403
    assert moderator.get("/sites/default/webhooks").json()["may_change"] is False


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.10", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata address
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not-global"),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_which_addresses_are_refused(address: str, why: str | None) -> None:
    assert refusal(address) == why


def test_the_resolved_address_is_checked_and_is_the_one_called() -> None:
    inside: Callable[[str, int], str] = lambda host, port: "10.0.0.5"  # noqa: E731
    with pytest.raises(DeliveryFailed) as refused:
        destination("https://hooks.news.example/in", allow_private=False, resolve=inside)
    assert refused.value.permanent and "10.0.0.5" in str(refused.value)
    allowed = destination("https://hooks.news.example/in?x=1", allow_private=True, resolve=inside)
    assert allowed.url == "https://10.0.0.5:443/in?x=1"
    assert (allowed.host, allowed.address) == ("hooks.news.example", "10.0.0.5")


def test_https_goes_to_the_checked_address_with_the_hooks_name_for_tls(
    tmp_path: Any, database_url: str
) -> None:
    """A TLS receiver on 127.0.0.1 with a certificate for hooks.news.example only."""
    import ssl
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import trustme

    from causerie.notify.webhook import WebhookSender
    from causerie.store.comments import SqlCommentStore
    from causerie.store.database import create_database_engine
    from causerie.store.notifications import SqlNotificationStore
    from causerie.store.records import OutboxMessage, OutboxState

    authority = trustme.CA()
    served = authority.issue_cert("hooks.news.example")
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.configure_cert(server_side)
    client_side = ssl.create_default_context()
    authority.configure_trust(client_side)
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, self.headers["Host"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_side.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    engine = create_database_engine(database_url)
    try:
        site = SqlCommentStore(engine).ensure_site("default")
        hooks = SqlNotificationStore(engine)

        def message(hook_id: int) -> OutboxMessage:
            body = {"id": "x", "type": "webhook.test", "data": {}}
            payload = {"webhook_id": hook_id, "type": "webhook.test", "body": body}
            return OutboxMessage(
                1, "u" * 32, "webhook", site.id, payload, None, OutboxState.PENDING, 1,
                time.time(), 0.0, None, None, None, "", None, None,
            )  # fmt: skip

        good = hooks.add_webhook(
            site.id,
            {
                "url": f"https://hooks.news.example:{port}/in?k=1",
                "secret": "s",
                "allow_private": True,
            },
            time.time(),
        )
        wrong = hooks.add_webhook(
            site.id,
            {"url": f"https://other.news.example:{port}/in", "secret": "s", "allow_private": True},
            time.time(),
        )
        sender = WebhookSender(hooks, 5, resolve=lambda host, p: "127.0.0.1", tls=client_side)
        assert sender.deliver(message(good.id)).status == 204
        assert seen == [("/in?k=1", f"hooks.news.example:{port}")]
        with pytest.raises(DeliveryFailed) as refused:  # the certificate names another host
            sender.deliver(message(wrong.id))
        assert "certificate" in str(refused.value).lower() and len(seen) == 1
    finally:
        httpd.shutdown()
        engine.dispose()


def test_without_mail_or_webhook_no_event_is_written(
    admin_client: Callable[..., Moderator], receiver: Receiver
) -> None:
    admin = admin_client()
    outbox = admin.client.app.state.runtime.stores.outbox  # type: ignore[attr-defined]
    body = {"uri": "/calme", "text": "Personne n'écoute", "author": "Samira"}
    assert admin.client.post("/api/comments", json=body).status_code == 201
    assert outbox.counts() == {"pending": 0, "sent": 0, "failed": 0}
    _hook(admin, receiver.url, allow_private=True)  # from now on, someone listens
    assert admin.client.post("/api/comments", json=body).status_code == 201
    assert len(outbox.recent(None, "event", 10)) == 1
    assert json.loads(receiver.wait_for(1)[0].body)["type"] == "comment.created"
