"""Export and erasure: everything tied to an address, nothing of others, no trace left."""

from __future__ import annotations

import json

from click.testing import CliRunner

from causerie.cli import main
from causerie.store.schema import CommentState
from tests.conftest import TEST_SECRET, MakeClient
from tests.privacy.helpers import dump_database, engine, learn, post, service, sqlite_bytes

SAMIRA = "samira.benali@example.org"
KARIM = "karim.idrissi@example.net"


def _two_readers(make: MakeClient) -> tuple[object, dict[str, int]]:
    client = make()
    karim = post(client, author="Karim Idrissi", email=KARIM, text="Le tram est en retard.")
    samira = post(client, author="Samira Benali", email=SAMIRA, text="Pas chez moi, Karim.")
    reply = post(
        client,
        author="Samira Benali",
        email=SAMIRA.upper(),
        text="Réponse de Samira au tram",
        parent=karim["id"],
    )
    other = post(
        client, author="Karim Idrissi", email=KARIM, text="Merci Samira", parent=reply["id"]
    )
    db = engine(client)
    learn(
        db,
        "default",
        {"content": "Pas chez moi, Karim.", "author": "Samira Benali", "email": SAMIRA},
    )
    learn(
        db,
        "default",
        {"content": "Le tram est en retard.", "author": "Karim Idrissi", "email": KARIM},
    )
    ids = {"karim": karim["id"], "samira": samira["id"], "reply": reply["id"], "other": other["id"]}
    return client, ids


def test_export_returns_everything_of_an_address_and_nothing_of_others(
    make_client: MakeClient,
) -> None:
    client, ids = _two_readers(make_client)
    document = service(client).export(SAMIRA)  # type: ignore[arg-type]
    assert [c["id"] for c in document["comments"]] == [ids["samira"], ids["reply"]]
    assert {c["email"].lower() for c in document["comments"]} == {SAMIRA}
    assert document["comments"][0]["ip_network"] == "203.0.113.0/24"
    assert len(document["spam_filter_examples"]) == 1
    text = json.dumps(document, ensure_ascii=False).lower()
    assert "karim.idrissi" not in text and "en retard" not in text and "merci samira" not in text


def test_export_finds_comments_after_retention_removed_the_address(
    make_client: MakeClient,
) -> None:
    client, ids = _two_readers(make_client)
    privacy = service(client)  # type: ignore[arg-type]
    privacy.purge(now=privacy.clock() + 400 * 86_400)
    document = privacy.export(SAMIRA)
    assert [c["id"] for c in document["comments"]] == [ids["samira"], ids["reply"]]
    assert all(c["email"] is None for c in document["comments"])


def test_erasure_leaves_no_trace_of_the_address_or_the_name(make_client: MakeClient) -> None:
    client, ids = _two_readers(make_client)
    privacy = service(client)  # type: ignore[arg-type]
    items = privacy.erase(SAMIRA)
    assert items == 3  # two comments and one learning example
    db = engine(client)
    dump = dump_database(db)
    for trace in ("samira.benali", "samira benali", "pas chez moi"):
        assert trace not in dump
    assert "karim idrissi" in dump  # others' data stays
    if db.dialect.name == "sqlite":
        raw = sqlite_bytes(db).lower()
        assert b"samira.benali" not in raw and b"samira benali" not in raw
    # The thread keeps its shape: Karim's reply still hangs under the erased comment.
    thread = client.get("/api/comments", params={"uri": "/2026/tram"}).json()  # type: ignore[attr-defined]
    root = thread["comments"][0]
    erased = root["replies"][0]
    assert erased["id"] == ids["reply"] and erased["state"] == "deleted"
    assert erased["author"] is None and erased["html"] == ""
    assert erased["replies"][0]["id"] == ids["other"]
    assert privacy.store.comment(ids["samira"]).state is CommentState.DELETED  # type: ignore[union-attr]


def test_edit_token_exports_and_erases_that_comment_at_once(make_client: MakeClient) -> None:
    client = make_client()
    mine = post(client, author="Samira", email=SAMIRA)
    other = post(client, author="Karim", email=KARIM)
    exported = client.post("/api/privacy/export", json={"edit_token": mine["edit_token"]})
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert [c["id"] for c in exported.json()["comments"]] == [mine["id"]]
    assert KARIM not in exported.text
    erased = client.post("/api/privacy/erase", json={"edit_token": mine["edit_token"]})
    assert erased.status_code == 200 and erased.json()["items"] == 1
    store = service(client).store
    assert store.comment(mine["id"]).email is None  # type: ignore[union-attr]
    assert store.comment(other["id"]).email == KARIM  # type: ignore[union-attr]
    again = client.post("/api/privacy/erase", json={"edit_token": mine["edit_token"]})
    assert again.status_code == 403 and again.json()["error"] == "token_invalid"
    log = dump_database(engine(client))
    assert log.count("privacy_requests:") == 2


def test_request_errors_are_localized_4xx(make_client: MakeClient) -> None:
    client = make_client()
    empty = client.post("/api/privacy/export", json={}, headers={"Accept-Language": "fr"})
    assert empty.status_code == 422
    assert empty.json()["error"] == "privacy_identity_required"
    assert "adresse e-mail" in empty.json()["message"]
    no_mail = client.post("/api/privacy/erase?lang=ar", json={"email": SAMIRA})
    assert no_mail.status_code == 400
    assert no_mail.json()["error"] == "privacy_mail_unavailable"
    assert "البريد" in no_mail.json()["message"]
    forged = client.post("/api/privacy/export", json={"edit_token": "1.forged"})
    assert forged.status_code == 403
    bad = client.post("/api/privacy/export", json={"email": "not-an-address"})
    assert bad.status_code == 422 and bad.json()["error"] == "email_invalid"


def test_command_line_export_and_erase(sqlite_url: str) -> None:
    from starlette.testclient import TestClient

    from causerie.app import create_app
    from tests.conftest import test_settings

    client = TestClient(create_app(test_settings(sqlite_url)))
    post(client, author="Samira Benali", email=SAMIRA)
    post(client, author="Karim", email=KARIM)
    env = {"CAUSERIE_DATABASE_URL": sqlite_url, "CAUSERIE_SECRET": TEST_SECRET}
    runner = CliRunner()
    exported = runner.invoke(main, ["privacy", "export", SAMIRA], env=env)
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.output)
    assert len(document["comments"]) == 1 and KARIM not in exported.output
    erased = runner.invoke(main, ["privacy", "erase", SAMIRA, "--yes"], env=env)
    assert erased.exit_code == 0 and "erased 1 items" in erased.output
    purge = runner.invoke(main, ["purge"], env=env)
    assert purge.exit_code == 0 and json.loads(purge.output)["personal_cleared"] == 0
    assert "samira" not in dump_database(engine(client))
