"""The desk's queues in Chromium: counts, the opening tab, the cards, each action, keys alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.moderation.desk import Admin, live_desk, open_desk, post, settled, show, t

pytestmark = pytest.mark.browser

SPAM = "Gagnez 3000 € par semaine depuis chez vous !!! Inscription : https://bit.ly/argent-facile"
ARTICLE = "https://journal.example/2026/12/tramway"
TITLE = "Casablanca : la ligne 5 du tramway ouvrira au printemps"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, so that its counts are the test's alone."""
    live = live_desk(tmp_path)
    try:
        yield live
    finally:
        live.stop()


def _counts(page: Any) -> dict[str, str]:
    spans = page.locator("nav.queues [data-count]")
    return dict(spans.evaluate_all("(s) => s.map((x) => [x.dataset.count, x.textContent])"))


def _current_tab(page: Any) -> str:
    return str(page.get_attribute("nav.queues a[aria-current=page]", "data-queue"))


def test_the_desk_opens_where_comments_wait_and_its_counts_follow_each_action(
    browser: Any, fresh: LiveServer
) -> None:
    caught = post(fresh, SPAM, "/argent", author="Gagner Argent", email="bonus@cash.example")
    admin = Admin(fresh)
    assert admin.get("/comments", state="spam")["total"] == 1, "the shipped filter missed it"
    page = open_desk(browser, fresh, "fr")
    assert _current_tab(page) == "spam"  # nothing pending: the spam is shown, not hidden
    assert _counts(page)["spam"] == "1" and _counts(page)["pending"] == "0"
    page.click("nav.queues a[data-queue=pending]")
    settled(page)
    empty = page.locator("#empty")
    assert t("fr", "queue.elsewhere") in empty.inner_text() and "Spam" in empty.inner_text()
    empty.get_by_role("link").click()  # "1 dans Spam" leads there
    settled(page)
    assert _current_tab(page) == "spam"
    page.locator(f"#c{caught}").get_by_role("button", name=t("fr", "action.not_spam")).click()
    page.wait_for_function("document.querySelector('[data-count=spam]').textContent === '0'")
    assert _counts(page)["approved"] == "1"
    # New comments while she works: the counts move, the list waits for her.
    post(fresh, "Un nouvel avis", "/argent", author="Nadia")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("document.querySelector('[data-count=pending]').textContent === '1'")
    assert page.locator("#nav-count").inner_text() == "1"
    assert page.errors == []
    page.context.close()
    # Opened on a named queue, the list and the counts are asked for together: the tabs
    # take the counts (and every queue the server counts) whichever answers last.
    page = open_desk(browser, fresh, "fr", path="#/queue/approved")
    page.wait_for_function("document.querySelector('[data-count=reported]')")
    assert set(_counts(page)) == {
        "pending",
        "reported",
        "toxic",
        "spam",
        "unmoderated",
        "all",
        "approved",
        "deleted",
        "featured",
    }
    assert _current_tab(page) == "approved"
    page.context.close()


def test_a_card_tells_where_what_who_and_why(browser: Any, fresh: LiveServer) -> None:
    admin = Admin(fresh)
    admin.send("PUT", "/sites/default/settings", {"hold_words": ["tramway"]})
    parent = post(fresh, "Le chantier bloque la rue depuis huit mois.", ARTICLE, title=TITLE)
    admin.act("approve", parent)
    reply = post(fresh, "La commune a publié le plan du tramway.", ARTICLE, parent=parent)
    reported = post(fresh, "Ces élus ne savent que voler.", ARTICLE, author="Rachid")
    admin.act("approve", reported)
    for n, reason in enumerate(["abuse", "abuse", "off_topic"]):
        answer = Admin(fresh).http.post(  # any client: reports come from readers
            f"{fresh.url}/api/comments/{reported}/reports",
            json={"reason": reason},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        assert answer.status_code == 201, answer.text
    admin.act("feature", parent)
    page = open_desk(browser, fresh, "fr")
    card = page.locator(f"#c{reply}")
    link = card.locator(".where a")
    assert link.inner_text() == TITLE and link.get_attribute("href") == ARTICLE
    assert "noopener" in (link.get_attribute("rel") or "")
    quote = card.locator("blockquote.parent")
    assert "Samira" in quote.inner_text() and "huit mois" in quote.inner_text()
    chips = card.locator("ul.reasons li").all_inner_texts()
    assert any("tramway" in chip for chip in chips)
    assert card.get_by_role("button", name=t("fr", "card.history")).is_visible()
    show(page, "#/queue/reported")
    box = page.locator(f"#c{reported} .reports")
    assert box.locator(".reports-head").inner_text().startswith("3 ")
    texts = box.locator("li.report").all_inner_texts()
    assert [x.split("×")[1].strip() for x in texts] == ["2", "1"]
    show(page, "#/queue/featured")
    assert page.locator(f"#c{parent} .badge.featured").is_visible()
    assert page.errors == []
    page.context.close()


def test_each_decision_of_the_desk_reaches_the_api(browser: Any, fresh: LiveServer) -> None:
    admin = Admin(fresh)
    kept = post(fresh, "Un avis signalé à tort.", "/decide")
    admin.act("approve", kept)
    for n in range(3):
        Admin(fresh).http.post(
            f"{fresh.url}/api/comments/{kept}/reports",
            json={"reason": "abuse"},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
    rejected = post(fresh, "Un avis à rejeter.", "/decide")
    featured = post(fresh, "Un avis à mettre en avant.", "/decide")
    page = open_desk(browser, fresh, "en")
    assert _current_tab(page) == "pending"
    page.locator(f"#c{rejected}").get_by_role("button", name="Reject", exact=True).click()
    page.wait_for_selector(f"#c{rejected}", state="detached")
    page.locator(f"#c{featured}").get_by_role("button", name="Feature", exact=True).click()
    page.wait_for_selector(f"#c{featured}", state="detached")
    settled(page)  # the emptied queue is drawn again once the decision is stored
    show(page, "#/queue/reported")
    page.locator(f"#c{kept}").get_by_role("button", name="Keep", exact=True).click()
    page.wait_for_selector(f"#c{kept}", state="detached")
    settled(page)
    assert admin.get("/comments", state="deleted")["comments"][0]["id"] == rejected
    assert [c["id"] for c in admin.get("/comments", state="featured")["comments"]] == [featured]
    assert admin.get("/queues")["counts"]["reported"] == 0
    reports = admin.get(f"/comments/{kept}/reports")["reports"]
    assert {r["status"] for r in reports} == {"kept"}
    # The article's rules, from the card's "More" menu.
    show(page, "#/queue/approved")
    card = page.locator(f"#c{featured}")
    card.locator("details.more summary").click()
    card.get_by_role("button", name=t("en", "card.rules")).click()
    dialog = page.get_by_role("dialog", name=t("en", "thread.rules_title"))
    dialog.get_by_label(t("en", "thread.premod")).check()
    dialog.get_by_label(t("en", "thread.auto_days")).check()
    dialog.get_by_label(t("en", "thread.days"), exact=True).fill("5")
    dialog.get_by_role("button", name=t("en", "thread.save")).click()
    page.wait_for_selector("dialog", state="detached")
    thread = admin.get(
        f"/threads/{admin.get('/comments', state='approved')['comments'][0]['thread_id']}"
    )
    assert thread["premod"] is True and thread["close_after_days"] == 5
    show(page, "#/queue/featured")
    page.locator(f"#c{featured}").get_by_role("button", name="Unfeature", exact=True).click()
    page.wait_for_selector(f"#c{featured}", state="detached")
    settled(page)
    assert admin.get("/comments", state="featured")["total"] == 0
    assert page.errors == []
    page.context.close()


def test_every_decision_works_from_the_keyboard_alone(browser: Any, fresh: LiveServer) -> None:
    admin = Admin(fresh)
    ids = [post(fresh, f"Avis numéro {i}", "/keys", author=f"Lecteur {i}") for i in range(6)]
    page = open_desk(browser, fresh, "en")
    kb = page.keyboard
    # Newest first: ids[5] is the current card. f features it (and publishes it).
    kb.press("f")
    page.wait_for_selector(f"#c{ids[5]}", state="detached")
    kb.press("e")  # edit: the text box takes the focus; Tab reaches Save
    page.wait_for_selector(f"#editor-{ids[4]}")
    assert page.evaluate("document.activeElement.id") == f"editor-{ids[4]}"
    kb.press("Control+a")
    kb.type("Texte corrigé au clavier")
    kb.press("Tab")
    kb.press("Enter")
    page.wait_for_function(
        f"document.querySelector('#c{ids[4]} .text')?.textContent.includes('corrigé')"
    )
    kb.press("r")  # reply as the site, then Escape leaves the editor
    page.wait_for_selector(f"#editor-{ids[4]}")
    kb.type("La rédaction vous répond.")
    kb.press("Tab")
    kb.press("Enter")
    settled(page)
    kb.press("x")  # select two, act on both with a bulk button reached by Tab
    kb.press("j")
    kb.press("x")
    page.wait_for_selector(".bulk-actions:not([hidden])")
    page.focus("[data-bulk=reject]")
    kb.press("Enter")
    page.wait_for_function("document.querySelectorAll('#queue > li').length === 3")
    kb.press("u")  # undo brings both back
    page.wait_for_function("document.querySelectorAll('#queue > li').length === 5")
    settled(page)
    # The rarer tools: Tab into the current card's "More", Enter opens it.
    page.focus("#queue > li.current details.more summary")
    kb.press("Enter")
    kb.press("Tab")
    kb.press("Enter")  # the first tool: pin
    settled(page)
    assert any(c["pinned"] for c in admin.get("/comments", state="pending")["comments"])
    kb.press("h")  # the author's history, closed by Escape
    page.wait_for_selector("dialog.panel")
    kb.press("Escape")
    page.wait_for_selector("dialog", state="detached")
    kb.press("4")  # the fourth queue tab
    settled(page)
    assert _current_tab(page) != "pending"
    states = {c["id"]: c for c in admin.get("/comments", state="approved")["comments"]}
    assert states[ids[5]]["featured"] is True
    replies = [c for c in states.values() if c["by_site"]]
    assert replies and replies[0]["text"] == "La rédaction vous répond."
    assert page.errors == []
    page.context.close()
