"""Privacy details that mutation testing showed untested: export shapes, links, the schedule."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update
from starlette.testclient import TestClient

from causerie.api.http import status_of
from causerie.core import identity
from causerie.core.errors import CauserieError
from causerie.core.privacy import Confirmed, PrivacyService, RetentionTask, notice_text
from causerie.core.threads import iso
from causerie.store.schema import spam_learning
from tests.conftest import TEST_SECRET, MakeClient, client_factory, set_comment_columns
from tests.privacy.conftest import Mailbox, body_of
from tests.privacy.helpers import engine, learn, post, service

SAMIRA = "samira.benali@example.org"
NOW = 1_764_403_200.0


@pytest.fixture
def make_sqlite_client(sqlite_url: str) -> Iterator[MakeClient]:
    """In-process clients on one SQLite database (these rules do not depend on SQL)."""
    yield from client_factory(sqlite_url)


def _fixed(client: TestClient, now: float = NOW) -> PrivacyService:
    privacy = service(client)
    privacy.clock = lambda: now
    return privacy


def test_export_lists_subscriptions_lessons_and_requests(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    mine = post(client, author="Samira", email=SAMIRA, notify=True)
    sub_id = privacy.records.add_subscription(mine["id"], "key", NOW - 60, confirmed=True)
    assert sub_id > 0
    sample = {
        "content": "Bonjour",
        "site": "default",
        "lang": "fr",
        "author": "Samira",
        "email": SAMIRA,
        "url": "",
        "user_agent": "UA",
        "ip_hash": "h",
        "honeypot": "not exported",
    }
    learn(engine(client), "default", sample, created=NOW - 30)
    spam_lesson = learn(engine(client), "default", {**sample, "content": "Achetez"}, NOW - 20)
    with engine(client).begin() as conn:
        conn.execute(
            update(spam_learning).where(spam_learning.c.id == spam_lesson).values(is_spam=True)
        )
    privacy.log("export", "token", "default", SAMIRA, 1)
    document = privacy.export(SAMIRA)
    assert document["email"] == SAMIRA and document["generated"] == iso(NOW)
    assert document["subscriptions"] == [
        {"comment": mine["id"], "created": iso(NOW - 60), "confirmed": iso(NOW - 60)}
    ]
    sample.pop("honeypot")
    assert document["spam_filter_examples"] == [
        {"site": "default", "taught_as": "not spam", "created": iso(NOW - 30), "sample": sample},
        {
            "site": "default",
            "taught_as": "spam",
            "created": iso(NOW - 20),
            "sample": {**sample, "content": "Achetez"},
        },
    ]
    assert document["privacy_requests"] == [
        {
            "kind": "export",
            "via": "token",
            "status": "done",
            "created": iso(NOW),
            "completed": iso(NOW),
        }
    ]
    (comment,) = document["comments"]
    assert (comment["site"], comment["page"], comment["state"]) == (
        "default",
        "/2026/tram",
        "approved",
    )


def test_export_of_one_comment_by_its_token(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    mine = post(client, author="Samira", email=SAMIRA)
    plain = privacy.export_comment(mine["edit_token"])
    assert plain["generated"] == iso(NOW) and plain["subscriptions"] == []
    assert [(c["id"], c["site"], c["page"]) for c in plain["comments"]] == [
        (mine["id"], "default", "/2026/tram")
    ]
    privacy.records.add_subscription(mine["id"], "key", NOW, confirmed=False)
    subscribed = privacy.export_comment(mine["edit_token"])
    assert subscribed["subscriptions"] == [
        {"comment": mine["id"], "created": iso(NOW), "confirmed": None}
    ]


def test_tokens_that_do_not_prove_a_comment(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    mine = post(client, author="Samira")
    for token in ("", "1.forged", f"{mine['id'] + 1}.{mine['edit_token'].split('.', 1)[-1]}"):
        with pytest.raises(CauserieError) as caught:
            privacy.export_comment(token)
        assert (caught.value.code, status_of(caught.value)) == ("token_invalid", 403)
        assert caught.value.params == {"field": "edit_token"}


def test_erasing_one_comment_counts_it_and_its_lessons(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    mine = post(client, author="Samira", text="Mon texte à moi")
    lesson = {"content": "Mon texte à moi", "author": "Samira", "site": "default"}
    learn(engine(client), "default", lesson)
    learn(engine(client), "default", lesson)
    learn(engine(client), "other", {**lesson, "site": "other"})  # another site's: kept
    assert privacy.erase_comment(mine["edit_token"]) == 3  # the comment and two lessons
    stored = privacy.store.comment(mine["id"])
    assert stored is not None and stored.modified == NOW


def _link(privacy: PrivacyService, request_id: int) -> str:
    token: str = privacy._signer.dumps({"r": request_id})
    return token


def _refused(privacy: PrivacyService, token: str) -> None:
    with pytest.raises(CauserieError) as caught:
        privacy.check_link(token)
    assert (caught.value.code, status_of(caught.value)) == ("privacy_link_invalid", 400)


def test_confirmation_links(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = service(client)
    now = time.time()
    privacy.clock = lambda: now

    def pending(**values: object) -> int:
        row = {"kind": "erase", "via": "email", "site": "default", "status": "pending"}
        row.update(email=SAMIRA, lang="ar", created=now, email_hash="h")
        row.update(values)
        return privacy.records.log_request(**row)

    good = pending()
    assert privacy.check_link(_link(privacy, good)) == Confirmed(good, "erase", SAMIRA, "ar")
    no_lang = pending(lang="")
    assert privacy.check_link(_link(privacy, no_lang)).lang == "en"
    _refused(privacy, _link(privacy, good)[:-3] + "abc")  # a bad signature
    _refused(privacy, privacy._signer.dumps(["not", "a", "dict"]))
    _refused(privacy, privacy._signer.dumps({"r": str(good)}))
    _refused(privacy, _link(privacy, 999_999))
    _refused(privacy, _link(privacy, pending(status="done")))
    _refused(privacy, _link(privacy, pending(email=None)))
    # A day to the second is still valid; a moment later it is not.
    edge = pending(created=now - 86_400)
    assert privacy.check_link(_link(privacy, edge)).request_id == edge
    _refused(privacy, _link(privacy, pending(created=now - 86_400.5)))


def test_links_older_than_a_day_are_refused_by_their_signature(
    make_sqlite_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_sqlite_client()
    privacy = service(client)
    request_id = privacy.records.log_request(
        kind="export",
        via="email",
        site="default",
        status="pending",
        email=SAMIRA,
        created=time.time(),
        email_hash="h",
    )
    real = time.time
    with monkeypatch.context() as patched:  # itsdangerous dates its tokens with time.time
        patched.setattr(time, "time", lambda: real() - 2 * 86_400)
        old = privacy._signer.dumps({"r": request_id})
    _refused(privacy, old)
    assert privacy.check_link(_link(privacy, request_id)).request_id == request_id


def test_the_retention_schedule_runs_retries_and_stops(
    make_sqlite_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="causerie.privacy")
    client = make_sqlite_client()
    privacy = service(client)
    old = privacy.records.log_request(
        kind="export", via="email", site="default", status="pending", created=1.0, email="x@y.z"
    )
    task = RetentionTask(privacy, interval=0.05, first_delay=0.01)
    task.start()
    thread = task._thread
    task.start()  # a second start changes nothing
    assert task._thread is thread and thread is not None
    assert thread.name == "causerie-purge" and thread.daemon  # never holds the server up
    deadline = time.monotonic() + 10
    while privacy.records.request(old) is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    task.stop()
    assert privacy.records.request(old) is None  # purged: the log keeps a year at most
    assert task._thread is None and not thread.is_alive()
    reports = [r for r in caplog.records if r.getMessage().startswith("retention purge: {")]
    assert reports and "'requests_deleted': 1" in reports[0].getMessage()


def test_a_failing_purge_does_not_stop_the_schedule(
    make_sqlite_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_sqlite_client()
    privacy = service(client)
    runs: list[str] = []
    real_purge = privacy.purge

    def purge(now: float | None = None) -> object:
        runs.append("run")
        if len(runs) == 1:
            raise RuntimeError("database away")
        return real_purge(now)

    privacy.purge = purge  # type: ignore[method-assign]
    task = RetentionTask(privacy, interval=0.02, first_delay=0.01)
    task.start()
    deadline = time.monotonic() + 10
    while len(runs) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    task.stop()
    assert len(runs) >= 3
    failed = [r for r in caplog.records if r.getMessage() == "retention purge failed"]
    assert len(failed) == 1 and failed[0].exc_info is not None


def test_requests_by_mail_are_checked_logged_and_limited(
    make_sqlite_client: MakeClient, mailbox: Mailbox
) -> None:
    client = make_sqlite_client(**mailbox.settings())
    privacy = service(client)
    clock = [NOW]
    privacy.clock = lambda: clock[0]
    with pytest.raises(CauserieError) as caught:
        privacy.request_by_email("delete", SAMIRA, "default", "fr", "https://n.example")
    assert (caught.value.code, status_of(caught.value), caught.value.params) == (
        "field_invalid",
        422,
        {"field": "kind"},
    )
    privacy.request_by_email("export", SAMIRA, "default", "ar", "https://news.example/")
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == notice_text("mail.export.subject", "ar")
    text = body_of(message)
    assert "https://news.example/privacy/confirm?token=" in text
    assert "24" in text and "{hours}" not in text
    assert message["Content-Language"] == "ar"
    link = text[text.index("https://news.example/privacy/confirm?token=") :].split()[0]
    assert text.strip() == notice_text("mail.export.body", "ar", link=link, hours=24).strip()
    (row,) = privacy.records.requests_of(privacy.email_hash(SAMIRA))
    assert (row["via"], row["lang"], row["status"], row["created"]) == (
        "email",
        "ar",
        "pending",
        NOW,
    )
    for _ in range(2):
        privacy.request_by_email("erase", SAMIRA, "default", "fr", "https://news.example")
    for later in (0.0, 3600.0):  # three an hour, the hour counted from the first
        clock[0] = NOW + later
        with pytest.raises(CauserieError) as limited:
            privacy.request_by_email("erase", SAMIRA, "default", "fr", "https://news.example")
        assert (limited.value.code, status_of(limited.value)) == ("rate_limited", 429)
    clock[0] = NOW + 3600.5
    privacy.request_by_email("erase", SAMIRA, "default", "fr", "https://news.example")


def test_requests_by_mail_need_a_mail_server(make_sqlite_client: MakeClient) -> None:
    privacy = service(make_sqlite_client())
    with pytest.raises(CauserieError) as caught:
        privacy.request_by_email("export", SAMIRA, "default", "fr", "https://n.example")
    assert (caught.value.code, status_of(caught.value)) == ("privacy_mail_unavailable", 400)


def test_requests_done_at_once_and_by_link_are_closed_in_the_log(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    post(client, author="Samira", email=SAMIRA)
    privacy.log("erase", "cli", "*", SAMIRA, 4)
    (row,) = privacy.records.requests_of(privacy.email_hash(SAMIRA))
    assert (row["lang"], row["status"], row["items"], row["completed"]) == ("", "done", 4, NOW)
    for kind, items in (("export", 1), ("erase", 1)):
        request_id = privacy.records.log_request(
            kind=kind, via="email", site="default", status="pending", created=NOW, email=SAMIRA
        )
        done, document = privacy.carry_out(Confirmed(request_id, kind, SAMIRA, "fr"))
        assert done == items and (document is not None) == (kind == "export")
        logged = privacy.records.request(request_id)
        assert logged is not None
        assert (logged["status"], logged["items"], logged["completed"], logged["email"]) == (
            "done",
            items,
            NOW,
            None,
        )


def test_purge_counts_every_site_and_keeps_at_least_a_day(make_sqlite_client: MakeClient) -> None:
    day = 86_400.0
    zero = {
        f"{name}_retention_days": 0 for name in ("personal_data", "spam", "discard", "unconfirmed")
    }
    client = make_sqlite_client(**zero)
    privacy = service(client)
    store, records = privacy.store, privacy.records
    store.ensure_site("autre")
    personal = {"author": "S", "email": "s@example.org", "user_agent": "UA", "ip_hash": "h"}
    for site, uri in (("default", "/a"), ("autre", "/b")):
        for days_ago in (0.5, 1.5):
            privacy.comments.clock = lambda d=days_ago: NOW - d * day  # type: ignore[misc]
            young = post(client, email="s@example.org", site=site, uri=uri)["id"]
            records.add_subscription(young, "k", NOW - days_ago * day, confirmed=False)
            if days_ago > 1:
                for verdict in ("spam", "discard"):
                    gone = post(client, site=site, uri=uri, text=f"Pub {verdict}")["id"]
                    set_comment_columns(store.engine, gone, state="spam", spam_verdict=verdict)
            learn(engine(client), site, {"content": "x", **personal}, NOW - days_ago * day)
    pending = records.log_request(
        kind="erase", via="email", site="default", status="pending", created=NOW - 3600
    )
    report = privacy.purge(now=NOW)
    # Zero days counts as one: what is older than a day goes, on each site; the rest stays.
    assert report.as_dict() == {
        "personal_cleared": 6,
        "spam_deleted": 2,
        "discard_deleted": 2,
        "unconfirmed_deleted": 2,
        "learning_scrubbed": 2,
        "requests_expired": 0,
        "requests_deleted": 0,
        "sign_ins_expired": 0,
    }
    kept = [c for c, _, _ in records.comments_of("s@example.org", "none")]
    assert len(kept) == 2 and all(c.email == "s@example.org" for c in kept)
    assert all(records.subscription_of(c.id) is not None for c in kept)
    request = records.request(pending)
    assert request is not None and request["status"] == "pending"  # its link still works


def test_an_exported_comment_holds_every_stored_field(make_sqlite_client: MakeClient) -> None:
    client = make_sqlite_client()
    privacy = _fixed(client)
    parent = post(client, author="Karim")
    mine = post(
        client,
        author="Samira",
        email=SAMIRA,
        website="samira.example",
        parent=parent["id"],
        notify=True,
    )
    set_comment_columns(privacy.store.engine, mine["id"], modified=NOW, likes=2, dislikes=1)
    set_comment_columns(privacy.store.engine, mine["id"], spam_reasons='[{"code": "x"}]')
    insult = '[{"code": "insult", "params": {"words": "con"}, "weight": 1.5}]'
    toxicity = {"toxicity_score": 0.93, "toxicity_flag": "hold", "toxicity_reasons": insult}
    set_comment_columns(privacy.store.engine, mine["id"], **toxicity)
    c = privacy.store.comment(mine["id"])
    assert c is not None
    (exported,) = privacy.export(SAMIRA.upper())["comments"]
    assert exported == {
        "id": c.id,
        "site": "default",
        "page": "/2026/tram",
        "parent": parent["id"],
        "state": "approved",
        "author": "Samira",
        "email": SAMIRA,
        "website": "https://samira.example",
        "text": c.text,
        "language": c.lang,
        "created": iso(c.created),
        "modified": iso(NOW),
        "likes": 2,
        "dislikes": 1,
        "notify": True,
        "ip_network": "203.0.113.0/24",
        "ip_hash": c.ip_hash,
        "user_agent": "testclient",
        "spam_score": c.spam_score,
        "spam_verdict": "ham",
        "spam_reasons": [{"code": "x"}],
        "toxicity_score": 0.93,
        "toxicity_flag": "hold",
        "toxicity_reasons": [{"code": "insult", "params": {"words": "con"}, "weight": 1.5}],
    }
    set_comment_columns(privacy.store.engine, mine["id"], spam_reasons="")
    assert privacy.export(SAMIRA)["comments"][0]["spam_reasons"] == []


def test_addresses_are_checked_and_hashed_for_the_request_log(
    make_sqlite_client: MakeClient,
) -> None:
    privacy = _fixed(make_sqlite_client())
    for call, address in [
        (privacy.export, "not-an-address"),
        (privacy.erase, "not-an-address"),
        (privacy.export, ""),
        (privacy.erase, "   "),
    ]:
        with pytest.raises(CauserieError) as caught:
            call(address)
        assert (caught.value.code, status_of(caught.value), caught.value.params) == (
            "email_invalid",
            422,
            {"field": "email"},
        )
    expected = identity.keyed_hash(TEST_SECRET, "privacy", SAMIRA)
    assert privacy.email_hash(f" {SAMIRA.upper()} ") == expected


def test_erasure_after_retention_still_finds_the_comments_and_expires_requests(
    make_sqlite_client: MakeClient,
) -> None:
    client = make_sqlite_client()
    privacy = service(client)
    mine = post(client, author="Samira", email=SAMIRA)
    privacy.purge(now=time.time() + 400 * 86_400)  # the address is gone from the comment
    stored = privacy.store.comment(mine["id"])
    assert stored is not None and stored.email is None
    request_id = privacy.records.log_request(
        kind="export",
        via="email",
        site="default",
        status="pending",
        email=SAMIRA,
        email_hash=privacy.email_hash(SAMIRA),
        created=time.time(),
    )
    privacy.clock = lambda: NOW
    assert privacy.erase(SAMIRA) == 1
    erased = privacy.store.comment(mine["id"])
    assert erased is not None and erased.state.value == "deleted" and erased.modified == NOW
    request = privacy.records.request(request_id)
    assert request is not None
    assert (request["status"], request["email"], request["completed"]) == ("expired", None, NOW)


def test_links_signed_for_another_purpose_are_refused(make_sqlite_client: MakeClient) -> None:
    privacy = service(make_sqlite_client())
    request_id = privacy.records.log_request(
        kind="erase",
        via="email",
        site="default",
        status="pending",
        email=SAMIRA,
        created=time.time(),
    )
    other = URLSafeTimedSerializer(TEST_SECRET)  # same secret, no purpose (salt) of its own
    _refused(privacy, other.dumps({"r": request_id}))


def test_notice_texts_fall_back_to_english_then_to_the_key() -> None:
    english = notice_text("mail.export.subject", "en")
    assert notice_text("mail.export.subject", "zz") == english != "mail.export.subject"
    assert notice_text("no.such.text", "fr") == "no.such.text"
    raw = notice_text("mail.export.body", "fr")  # without parameters: left as written
    assert "{link}" in raw
    assert "https://x.example/l" in notice_text(
        "mail.export.body", "fr", link="https://x.example/l", hours=24
    )
