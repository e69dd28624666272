"""The widget's server side: catalogs, the HTML fragment, the live-update hub and stream."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from causerie.core.comments import ChangeEvent
from causerie.core.i18n import translate
from causerie.notify.live import QUEUE_SIZE, LocalHub, ThreadEvent, thread_event
from causerie.store.records import CommentRecord
from tests.conftest import LiveServer

CATALOGS = Path(__file__).resolve().parent.parent / "src" / "causerie" / "web" / "i18n"


def _post(client: TestClient, **body: object) -> dict[str, object]:
    body.setdefault("uri", "/2026/tram")
    body.setdefault("author", "Samira")
    response = client.post("/api/comments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


# -- catalogs ---------------------------------------------------------------------------


def test_every_language_has_every_widget_message() -> None:
    english = json.loads((CATALOGS / "en.json").read_text(encoding="utf-8"))
    wanted = {k for k in english if k.startswith("widget.")}
    assert len(wanted) > 40
    for lang in ("fr", "ar"):
        other = json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))
        missing = wanted - set(other)
        assert not missing, f"{lang} lacks {sorted(missing)}"
        same = [k for k in wanted if other[k] == english[k] and "{n}" not in other[k]]
        assert not same, f"{lang} leaves {same} in English"


@pytest.mark.parametrize(
    ("lang", "direction", "submit"),
    [("fr", "ltr", "Publier"), ("ar", "rtl", "نشر"), ("en", "ltr", "Publish")],
)
def test_catalog_endpoint(client: TestClient, lang: str, direction: str, submit: str) -> None:
    response = client.get(f"/api/i18n/{lang}.json")
    assert response.status_code == 200
    body = response.json()
    assert (body["lang"], body["dir"], body["messages"]["submit"]) == (lang, direction, submit)
    # The widget checks forms itself with the server's own wording.
    assert body["messages"]["error.text_required"] == translate("error.text_required", lang)


def test_unknown_language_gets_the_default_catalog(client: TestClient) -> None:
    body = client.get("/api/i18n/xx.json").json()
    assert body["lang"] == "fr"
    assert body["messages"]["error.author_required"] == "Veuillez indiquer votre nom."


# -- server-rendered fragment -----------------------------------------------------------


def test_fragment_renders_the_thread_like_the_widget(client: TestClient) -> None:
    root = _post(client, text="Premier *avis*", author="<b>Eve</b>", website="https://eve.example")
    _post(client, text="Une réponse", parent=root["id"], author="Karim")
    response = client.get("/api/comments.html", params={"uri": "/2026/tram", "lang": "fr"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'data-causerie-ssr data-uri="/2026/tram" data-sort="oldest" data-next=""' in html
    assert 'data-total="2" lang="fr" dir="ltr"' in html
    assert f'<article class="cz-c" id="cz-c-{root["id"]}" data-id="{root["id"]}">' in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "<b>Eve</b>" not in html
    assert 'href="https://eve.example" rel="nofollow ugc noopener"' in html
    assert "<p>Premier <em>avis</em></p>" in html
    assert html.count(">Répondre</button>") == 2
    # The reply sits inside its parent's replies block.
    inner = html.split(f'id="cz-c-{root["id"]}"', 1)[1]
    assert '<div class="cz-r"><article class="cz-c"' in inner


def test_fragment_in_arabic_with_deleted_parent_and_next_page(client: TestClient) -> None:
    first = _post(client, text="تعليق أول")
    _post(client, text="رد", parent=first["id"])
    for i in range(3):
        _post(client, text=f"تعليق {i}")
    token = str(first["edit_token"])
    deleted = client.delete(
        f"/api/comments/{first['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert deleted.status_code == 200
    html = client.get(
        "/api/comments.html", params={"uri": "/2026/tram", "limit": 2, "lang": "ar"}
    ).text
    assert 'lang="ar" dir="rtl"' in html
    assert "حُذف هذا التعليق." in html
    assert 'data-next=""' not in html
    assert html.count('class="cz-c"') + html.count('class="cz-c cz-del"') == 3


def test_fragment_errors_are_localized_json(client: TestClient) -> None:
    missing = client.get("/api/comments.html", params={"lang": "fr"})
    assert missing.status_code == 422
    assert missing.json()["error"] == "uri_required"
    unknown = client.get("/api/comments.html", params={"uri": "/a", "site": "nope", "lang": "ar"})
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error": "site_not_found",
        "message": translate("error.site_not_found", "ar"),
    }


def test_fragment_follows_changes_despite_its_cache(client: TestClient) -> None:
    assert "cz-empty" in client.get("/api/comments.html", params={"uri": "/2026/tram"}).text
    _post(client, text="Enfin un commentaire")
    assert (
        "Enfin un commentaire"
        in client.get("/api/comments.html", params={"uri": "/2026/tram"}).text
    )


# -- the hub ----------------------------------------------------------------------------


def _run(coro_factory: Callable[[], object]) -> None:
    asyncio.run(coro_factory())  # type: ignore[arg-type]


def test_hub_delivers_events_published_from_other_threads() -> None:
    hub = LocalHub()

    async def scenario() -> None:
        async with hub.subscribe("default", "/a") as mine, hub.subscribe("default", "/b") as other:
            assert hub.subscriber_count("default", "/a") == 1
            sender = threading.Thread(
                target=hub.publish, args=(ThreadEvent("comment", "default", "/a", {"id": 7}),)
            )
            sender.start()
            sender.join()
            event = await mine.next(2)
            assert event is not None and event.data == {"id": 7}
            assert await other.next(0.05) is None
        assert hub.subscriber_count("default", "/a") == 0

    _run(scenario)


def test_hub_drops_a_subscriber_that_does_not_keep_up_and_closes_on_shutdown() -> None:
    hub = LocalHub()

    async def scenario() -> None:
        async with hub.subscribe("default", "/a") as slow, hub.subscribe("default", "/a") as fine:
            for i in range(QUEUE_SIZE + 1):
                hub.publish(ThreadEvent("comment", "default", "/a", {"id": i}))
            await asyncio.sleep(0.05)
            assert slow.closed and fine.closed  # neither read: both were too slow
        async with hub.subscribe("default", "/a") as live:
            hub.close()
            assert await live.next(1) is None and live.closed

    _run(scenario)


def _record(state: str) -> CommentRecord:
    from causerie.store.schema import CommentState

    fields = {f: None for f in CommentRecord.__dataclass_fields__}
    fields.update(
        id=3,
        thread_id=1,
        parent_id=None,
        state=CommentState(state),
        author="A",
        text="t",
        html="<p>t</p>",
        created=0.0,
        likes=0,
        dislikes=0,
        pinned=False,
        by_site=False,
    )
    return CommentRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "state", "expected"),
    [
        ("created", "approved", "comment"),
        ("created", "pending", None),
        ("created", "spam", None),
        ("edited", "approved", "edit"),
        ("edited", "spam", "remove"),
        ("deleted", "deleted", "remove"),
        ("moderated", "approved", "comment"),
        ("moderated", "spam", "remove"),
        ("voted", "approved", None),
    ],
)
def test_only_public_changes_reach_readers(kind: str, state: str, expected: str | None) -> None:
    event = thread_event(ChangeEvent(kind, "default", "/a", 1, _record(state)), "secret")
    assert (event.kind if event else None) == expected
    if event is not None and event.kind != "remove":
        assert "email" not in event.data and "ip_hash" not in event.data


# -- the stream, through a real server ---------------------------------------------------


def _events(lines: Iterator[str]) -> Iterator[tuple[str, dict[str, object]]]:
    kind = ""
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            yield kind, json.loads(line[6:])


def test_stream_pushes_new_edited_and_deleted_comments(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(CAUSERIE_SPAM_FILTER="false")
    with (
        httpx.Client(base_url=server.url, timeout=10) as http,
        http.stream("GET", "/api/stream", params={"uri": "/2026/tram"}) as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 3000"
        posted = http.post(
            "/api/comments", json={"uri": "/2026/tram", "text": "En direct", "author": "Lina"}
        ).json()
        events = _events(lines)
        kind, data = next(events)
        assert (kind, data["id"], data["html"]) == ("comment", posted["id"], "<p>En direct</p>")
        auth = {"Authorization": f"Bearer {posted['edit_token']}"}
        http.patch(f"/api/comments/{posted['id']}", json={"text": "Corrigé"}, headers=auth)
        kind, data = next(events)
        assert (kind, data["html"]) == ("edit", "<p>Corrigé</p>")
        http.post(
            "/api/comments", json={"uri": "/ailleurs", "text": "Autre page", "author": "Lina"}
        )
        http.delete(f"/api/comments/{posted['id']}", headers=auth)
        kind, data = next(events)
        assert (kind, data) == ("remove", {"id": posted["id"]})


def test_stream_rejects_bad_requests_in_json(client: TestClient) -> None:
    response = client.get("/api/stream", params={"uri": "no spaces allowed", "lang": "en"})
    assert response.status_code == 422
    assert response.json()["error"] == "uri_invalid"
