"""Moderator alerts through a real SMTP server: per comment, digest, quiet hours, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from causerie.core.alerts import after_quiet_hours
from causerie.store import schema
from causerie.store.records import AlertSettings
from tests.moderation.conftest import Moderator, add_user, login
from tests.privacy.conftest import Mailbox, body_of

PARIS = "Europe/Paris"


def _local(text: str, zone: str = PARIS) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


@pytest.mark.parametrize(
    ("now", "start", "end", "expected"),
    [
        ("2026-11-30 23:30", "22:00", "07:00", "2026-12-01 07:00"),  # across midnight, evening
        ("2026-12-01 03:10", "22:00", "07:00", "2026-12-01 07:00"),  # across midnight, night
        ("2026-12-01 07:00", "22:00", "07:00", "2026-12-01 07:00"),  # the end: sent
        ("2026-12-01 12:00", "22:00", "07:00", "2026-12-01 12:00"),  # outside
        ("2026-12-01 13:30", "12:00", "14:00", "2026-12-01 14:00"),  # within one day
        ("2026-03-29 01:30", "01:00", "04:00", "2026-03-29 04:00"),  # the night clocks go forward
    ],
)
def test_quiet_hours_move_a_mail_to_their_end_in_the_moderators_zone(
    now: str, start: str, end: str, expected: str
) -> None:
    hours = [int(p) for p in start.split(":")], [int(p) for p in end.split(":")]
    settings = AlertSettings(
        1, 1, "each", 60, hours[0][0] * 60 + hours[0][1], hours[1][0] * 60 + hours[1][1], PARIS
    )
    assert after_quiet_hours(_local(now), settings) == _local(expected)


def test_each_held_comment_mails_the_moderators_who_asked_in_their_language(
    admin_client: Callable[..., Moderator], mailbox: Mailbox
) -> None:
    admin = admin_client(moderation="hold_all", **mailbox.settings())
    client = admin.client
    add_user(client, "mod@news.example", "moderator", ("default",))
    moderator = login(client, "mod@news.example")
    chosen = moderator.send(
        "PUT", "/sites/default/alerts", {"mode": "each", "lang": "ar", "timezone": "Asia/Beirut"}
    )
    assert chosen.status_code == 200 and chosen.json()["mode"] == "each"
    # The admin keeps alerts off: nothing for them.
    held = client.post("/api/comments", json={"uri": "/a", "text": "À relire", "author": "Lina"})
    assert held.status_code == 201
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "mod@news.example" and "بانتظار المراجعة" in mail["Subject"]
    text = body_of(mail)
    link = f"http://127.0.0.1:8080/admin?site=default&comment={held.json()['id']}"
    assert "À relire" in text and link in text
    html = mail.get_body(("html",))
    assert html is not None and 'dir="rtl"' in str(html.get_content())
    # The link is the dashboard page: without a session it acts on nothing.
    assert client.get(link.removeprefix("http://127.0.0.1:8080")).status_code == 200
    # A published comment (a moderator's reply) alerts nobody.
    reply = moderator.send("POST", f"/comments/{held.json()['id']}/reply", {"text": "Merci"})
    assert reply.status_code == 201
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.outbox.drain() and len(mailbox.messages) == 1


def test_a_digest_lists_what_still_waits_when_it_is_due(
    admin_client: Callable[..., Moderator], mailbox: Mailbox
) -> None:
    admin = admin_client(moderation="hold_all", **mailbox.settings())
    chosen = admin.send("PUT", "/sites/default/alerts", {"mode": "digest", "digest_minutes": 30})
    assert chosen.status_code == 200
    client = admin.client
    for n in range(3):
        client.post("/api/comments", json={"uri": "/a", "text": f"Texte {n}", "author": "Lina"})
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.outbox.drain()
    digests = runtime.stores.outbox.recent(None, "digest", 10)
    assert len(digests) == 1  # three comments, one window: one digest
    assert digests[0].not_before > runtime.comments.clock()
    assert mailbox.messages == []
    # Test setup: the window ends now rather than in up to 30 minutes.
    with runtime.engine.begin() as conn:
        conn.execute(
            update(schema.outbox).where(schema.outbox.c.channel == "digest").values(not_before=0)
        )
    runtime.outbox.wake()
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "admin@news.example" and "3" in mail["Subject"]
    assert all(f"Texte {n}" in body_of(mail) for n in range(3))


def test_alert_settings_are_checked(admin_client: Callable[..., Moderator]) -> None:
    admin = admin_client()
    for wrong in (
        {"mode": "sometimes"},
        {"mode": "digest", "digest_minutes": 1},
        {"mode": "each", "quiet_start": "25:00", "quiet_end": "07:00"},
        {"mode": "each", "quiet_start": "22:00"},
        {"mode": "each", "timezone": "Mars/Olympus"},
        {"mode": "each", "lang": "de"},
    ):
        refused = admin.send("PUT", "/sites/default/alerts", wrong)
        assert refused.status_code == 422 and refused.json()["error"] == "alerts_invalid", wrong
    fine = admin.send(
        "PUT",
        "/sites/default/alerts",
        {
            "mode": "each",
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "timezone": PARIS,
            "lang": "fr",
        },
    )
    assert fine.status_code == 200
    assert admin.get("/alerts").json()["alerts"] == [
        {
            "site": "default",
            "mode": "each",
            "digest_minutes": 60,
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "timezone": PARIS,
            "lang": "fr",
        }
    ]
