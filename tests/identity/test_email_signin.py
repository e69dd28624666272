"""E-mail sign-in: the challenge and its mail are one transaction; the outbox worker
delivers the mail to a real SMTP server (aiosmtpd); the code or the link works once."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from causerie.store import schema
from causerie.store.records import OutboxState
from tests.conftest import MakeClient
from tests.privacy.conftest import Mailbox, body_of

PAGE = "https://news.example/2026/tram"
ASK = {"email": "Samira@Example.org", "name": "Samira B.", "page": PAGE, "lang": "fr"}


def email_site(client: TestClient, **extra: Any) -> None:
    settings = {"who_may_comment": "signed_in", "signin_methods": ["email"], **extra}
    client.app.state.runtime.store.update_site_settings("default", settings)  # type: ignore[attr-defined]


@pytest.fixture
def site(make_client: MakeClient, mailbox: Mailbox) -> TestClient:
    client = make_client(**mailbox.settings())
    email_site(client)
    return client


def mailed_code(mailbox: Mailbox, count: int = 1) -> tuple[str, str]:
    """The code and the link of the last sign-in mail."""
    message = mailbox.wait_for(count)[count - 1]
    text = body_of(message)
    code = re.search(r"\b(\d{6})\b", text)
    link = re.search(r"(https://\S+#causerie-signin=\S+)", text)
    assert code and link, text
    return code.group(1), link.group(1)


def test_the_code_from_the_mail_signs_the_reader_in(site: TestClient, mailbox: Mailbox) -> None:
    asked = site.post("/api/signin/email", json=ASK)
    assert asked.status_code == 202, asked.text
    handle = asked.json()["handle"]
    code, link = mailed_code(mailbox)
    message = mailbox.messages[0]
    assert message["To"] == "Samira@Example.org"
    assert message["Subject"] == "Votre code de connexion pour default"
    assert message["Content-Language"] == "fr"
    assert link.startswith(PAGE + "#causerie-signin=" + handle + ".")

    answer = site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["name"], answer.json()["method"]) == ("Samira B.", "email")
    session = {"X-Causerie-Session": answer.json()["token"]}
    posted = site.post("/api/comments", json={"uri": "/tram", "text": "Bravo"}, headers=session)
    assert posted.status_code == 201
    thread = site.get("/api/comments?uri=/tram").json()["comments"]
    assert [(c["author"], c["verified"]) for c in thread] == [("Samira B.", True)]
    # Single use: the same code a second time is refused.
    again = site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    assert (again.status_code, again.json()["error"]) == (401, "signin_code_invalid")


def test_no_address_is_kept_outside_the_mail(site: TestClient, mailbox: Mailbox) -> None:
    site.post("/api/signin/email", json=ASK)
    code, link = mailed_code(mailbox)
    handle, _, _ = link.partition("#causerie-signin=")[2].partition(".")
    site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    runtime = site.app.state.runtime  # type: ignore[attr-defined]
    with runtime.engine.connect() as conn:
        for table in (schema.identities, schema.reader_sessions, schema.signin_challenges):
            for row in conn.execute(select(table)):
                assert "example.org" not in repr(tuple(row)).lower(), table.name
    # …yet her rights reach her sign-in through the keyed hash of the address.
    (found,) = runtime.privacy.export("samira@example.org")["sign_ins"]
    assert (found["method"], found["email"], len(found["sessions"])) == ("email", None, 1)
    runtime.privacy.erase("samira@example.org")
    assert runtime.privacy.export("samira@example.org")["sign_ins"] == []


def test_the_challenge_and_its_mail_are_one_transaction(site: TestClient, mailbox: Mailbox) -> None:
    """The outbox row is written with the challenge, and the worker sends it exactly once."""
    runtime = site.app.state.runtime  # type: ignore[attr-defined]
    site.post("/api/signin/email", json=ASK)
    mailed_code(mailbox)
    assert runtime.outbox.drain()
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(schema.outbox.c.id, schema.outbox.c.state)).all()
        challenges = conn.execute(
            select(func.count()).select_from(schema.signin_challenges)
        ).scalar()
    assert [r.state for r in rows] == [OutboxState.SENT.value] and challenges == 1
    assert len(mailbox.messages) == 1


def test_wrong_codes_are_counted_and_the_code_expires(site: TestClient, mailbox: Mailbox) -> None:
    handle = site.post("/api/signin/email", json=ASK).json()["handle"]
    code, _ = mailed_code(mailbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        answer = site.post("/api/signin/email/verify", json={"handle": handle, "code": wrong})
        assert (answer.status_code, answer.json()["error"]) == (401, "signin_code_invalid")
    # Five misses: the right code no longer works either.
    late = site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    assert late.status_code == 401

    handle = site.post("/api/signin/email", json=ASK).json()["handle"]
    code, _ = mailed_code(mailbox, 2)
    readers = site.app.state.runtime.readers  # type: ignore[attr-defined]
    readers.clock = lambda: time.time() + 601
    expired = site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    assert expired.status_code == 401


def test_a_link_to_a_page_of_a_foreign_origin_is_refused(site: TestClient) -> None:
    answer = site.post("/api/signin/email", json={**ASK, "page": "https://evil.example/x"})
    assert (answer.status_code, answer.json()["error"]) == (403, "origin_not_allowed")


def test_a_name_that_imitates_a_verified_reader_is_refused(
    site: TestClient, mailbox: Mailbox
) -> None:
    handle = site.post("/api/signin/email", json=ASK).json()["handle"]
    code, _ = mailed_code(mailbox)
    site.post("/api/signin/email/verify", json={"handle": handle, "code": code})
    other = site.post(
        "/api/signin/email", json={**ASK, "email": "k@example.org", "name": "Ѕаmіrа В."}
    )
    assert (other.status_code, other.json()["error"]) == (422, "name_taken")
    # She herself may sign in again under her own name.
    assert site.post("/api/signin/email", json=ASK).status_code == 202


def test_without_smtp_e_mail_sign_in_is_not_offered(make_client: MakeClient) -> None:
    client = make_client()
    email_site(client)
    assert client.get("/api/signin/options").json()["methods"] == []
    answer = client.post("/api/signin/email", json=ASK)
    assert (answer.status_code, answer.json()["error"]) == (403, "signin_method_off")


def test_sign_in_steps_are_limited_per_network_address(make_client: MakeClient) -> None:
    client = make_client(ip="198.51.100.7")
    email_site(client)
    wrong = {"handle": "nothing", "code": "000000"}
    answers = [client.post("/api/signin/email/verify", json=wrong).status_code for _ in range(61)]
    assert answers[:60] == [401] * 60 and answers[60] == 429
    # Another address, on the same server, is not slowed down.
    other = TestClient(client.app, client=("198.51.100.8", 50000))
    assert other.post("/api/signin/email/verify", json=wrong).status_code == 401
