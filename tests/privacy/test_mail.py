"""E-mail through a real SMTP server (aiosmtpd): confirmation links, reply notifications."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from causerie.core.outbox import OutboxWorker
from causerie.store.privacy import privacy_requests
from causerie.store.records import OutboxState
from tests.conftest import MakeClient, free_port
from tests.privacy.conftest import Mailbox, body_of, link_in
from tests.privacy.helpers import engine, post, service

SAMIRA = "samira@example.org"
KARIM = "karim@example.net"


def _notifier(client: TestClient) -> OutboxWorker:
    found: OutboxWorker = client.app.state.runtime.outbox  # type: ignore[attr-defined]
    return found


def test_export_by_email_goes_through_a_signed_single_use_link(
    make_client: MakeClient, mailbox: Mailbox
) -> None:
    client = make_client(**mailbox.settings())
    mine = post(client, author="Samira", email=SAMIRA)
    post(client, author="Karim", email=KARIM)
    asked = client.post("/api/privacy/export", json={"email": SAMIRA, "lang": "fr"})
    assert asked.status_code == 202
    message = mailbox.wait_for(1)[0]
    assert message["To"] == SAMIRA and "confirmer" in message["Subject"]
    token = link_in(message, "/privacy/confirm")
    page = client.get("/privacy/confirm", params={"token": token})
    assert page.status_code == 200 and 'method="post"' in page.text and 'lang="fr"' in page.text
    download = client.post("/privacy/confirm", data={"token": token})
    assert download.status_code == 200
    assert [c["id"] for c in download.json()["comments"]] == [mine["id"]]
    assert KARIM not in download.text
    reused = client.post("/privacy/confirm", data={"token": token})
    assert reused.status_code == 400
    with engine(client).connect() as conn:
        row = conn.execute(select(privacy_requests)).one()
    assert row.status == "done" and row.email is None
    assert row.email_hash == service(client).email_hash(SAMIRA)


def test_erasure_by_email_and_bad_links(make_client: MakeClient, mailbox: Mailbox) -> None:
    client = make_client(**mailbox.settings())
    mine = post(client, author="Samira", email=SAMIRA)
    form = client.post(
        "/privacy/request", data={"email": SAMIRA, "kind": "erase", "site": "", "lang": "ar"}
    )
    assert form.status_code == 202 and 'dir="rtl"' in form.text
    token = link_in(mailbox.wait_for(1)[0], "/privacy/confirm")
    # Change the signature's first character: all of its bits count (the last
    # ones may be padding bits, so changing those could leave the bytes equal).
    head, _, signature = token.rpartition(".")
    tampered = f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    assert client.get("/privacy/confirm", params={"token": tampered}).status_code == 400
    privacy = service(client)
    real_clock = privacy.clock
    privacy.clock = lambda: real_clock() + 25 * 3600  # the link is valid for a day
    assert client.post("/privacy/confirm", data={"token": token}).status_code == 400
    privacy.clock = real_clock
    done = client.post("/privacy/confirm", data={"token": token})
    assert done.status_code == 200
    assert privacy.store.comment(mine["id"]).author == ""  # type: ignore[union-attr]


def test_requests_per_address_are_limited(make_client: MakeClient, mailbox: Mailbox) -> None:
    client = make_client(**mailbox.settings())
    codes = [
        client.post("/api/privacy/export", json={"email": SAMIRA}).status_code for _ in range(4)
    ]
    assert codes == [202, 202, 202, 429]


def test_reply_notifications_need_confirmation_and_stop_on_one_click(
    make_client: MakeClient, mailbox: Mailbox
) -> None:
    client = make_client(**mailbox.settings())
    notifier = _notifier(client)
    parent = post(client, author="Samira", email=SAMIRA, notify=True, lang="fr")
    assert notifier.drain()
    confirm = mailbox.wait_for(1)[0]
    assert confirm["To"] == SAMIRA and "/2026/tram" in body_of(confirm)
    post(client, author="Karim", email=KARIM, text="Avant confirmation", parent=parent["id"])
    assert notifier.drain() and len(mailbox.messages) == 1  # unconfirmed: nothing sent
    token = link_in(confirm, "/privacy/subscribe")
    assert client.post("/privacy/subscribe", data={"token": token}).status_code == 200
    post(client, author="Karim", email=KARIM, text="Après confirmation", parent=parent["id"])
    post(client, author="Samira", email=SAMIRA, text="Ma propre réponse", parent=parent["id"])
    assert notifier.drain()
    reply = mailbox.wait_for(2)[1]
    assert reply["To"] == SAMIRA and "Karim" in reply["Subject"]
    assert "Après confirmation" in body_of(reply) and "Avant" not in body_of(reply)
    assert len(mailbox.messages) == 2  # not about her own reply
    assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A confirmed address is not asked again for its next subscription.
    post(client, author="Samira", email=SAMIRA, notify=True, text="Deuxième")
    assert notifier.drain() and len(mailbox.messages) == 2
    unsubscribe = reply["List-Unsubscribe"].strip("<>")
    assert client.post(unsubscribe).status_code == 200
    post(client, author="Karim", email=KARIM, text="Encore", parent=parent["id"])
    assert notifier.drain() and len(mailbox.messages) == 2


def test_a_broken_mail_server_never_loses_the_comment(make_client: MakeClient) -> None:
    client = make_client(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    notifier = _notifier(client)
    created = post(client, author="Samira", email=SAMIRA, notify=True)
    assert service(client).store.comment(created["id"]) is not None
    assert notifier.drain()
    # The confirmation mail waits in the outbox for its next attempt.
    (waiting,) = notifier.store.recent(None, "email", 10)
    assert waiting.state is OutboxState.PENDING and waiting.attempts == 1
    assert "Connection" in waiting.last_error and waiting.payload["to"] == SAMIRA
    assert client.get("/api/comments", params={"uri": "/2026/tram"}).json()["total"] == 1
