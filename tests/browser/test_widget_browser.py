"""The widget in Debian's Chromium: reading, posting, replying, editing, deleting, voting.

Each test runs a real ``causerie serve`` and opens the demo article pages it
serves (French at /demo, Arabic at /demo/ar, English at /demo/en).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from causerie.core.i18n import translate
from tests.browser.conftest import Widget, screenshot

pytestmark = pytest.mark.browser

DEMO = {"fr": "/demo", "ar": "/demo/ar", "en": "/demo/en"}


def _t(key: str, lang: str, **params: object) -> str:
    return translate(f"widget.{key}", lang, **params)


def _own(page: Any, text: str) -> Any:
    return page.locator(".cz-c", has=page.locator(":scope > .cz-b", has_text=text))


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_read_post_reply_edit_delete_vote_and_load_more(widget: Widget, lang: str) -> None:
    path = DEMO[lang]
    for i in range(51):
        widget.post(path, f"Avis numéro {i}", author=f"Lecteur {i}")
    page = widget.open(path)
    roots = page.locator(".cz-list > .cz-c")
    expect(roots).to_have_count(50)
    expect(page.locator(".cz-form .cz-go").first).to_have_text(_t("submit", lang))
    expect(page.locator(".causerie")).to_have_attribute("lang", lang)

    page.locator(".cz-more").click()
    expect(roots).to_have_count(51)
    expect(page.locator(".cz-more")).to_be_hidden()

    first = roots.first
    first.locator(":scope > .cz-f [data-act=up]").click()
    expect(first.locator(":scope > .cz-f [data-act=up] .cz-k")).to_have_text("1")
    expect(first.locator(":scope > .cz-f .cz-v").first).to_be_disabled()

    page.fill("#cz-f-text", "Mon *avis* sur le tram")
    page.fill("#cz-f-author", "Nadia")
    page.locator(".cz-form .cz-go").click()
    mine = _own(page, "Mon avis sur le tram")
    expect(mine.locator(":scope > .cz-b em")).to_have_text("avis")
    expect(page.locator(".cz-form .cz-msg")).to_contain_text(_t("posted", lang))
    mine_id = mine.get_attribute("data-id")

    mine.locator(":scope > .cz-f [data-act=reply]").click()
    page.fill(f"#cz-f{mine_id}-text", "Je me réponds")
    expect(page.locator(f"#cz-f{mine_id}-author")).to_have_value("Nadia")  # remembered
    page.locator(f"#cz-c-{mine_id} .cz-form .cz-go").click()
    reply = page.locator(f"#cz-c-{mine_id} > .cz-r > .cz-c")
    expect(reply).to_have_count(1)
    expect(reply.locator(".cz-b")).to_have_text("Je me réponds")
    screenshot(page, f"widget-{lang}.png")

    mine.locator(":scope > .cz-f [data-act=edit]").click()
    expect(page.locator(f"#cz-e{mine_id}")).to_have_value("Mon *avis* sur le tram")
    page.fill(f"#cz-e{mine_id}", "Mon avis, corrigé")
    page.locator(f"#cz-c-{mine_id} .cz-edit .cz-go").click()
    edited = page.locator(f"#cz-c-{mine_id}")
    expect(edited.locator(":scope > .cz-b")).to_have_text("Mon avis, corrigé")
    expect(edited.locator(":scope > .cz-h .cz-ed")).to_have_text(_t("edited", lang))

    # A comment with a reply stays in place as "deleted"; the reply then goes entirely.
    edited.locator(":scope > .cz-f [data-act=delete]").click()
    edited.locator(":scope > .cz-f [data-act=confirm]").click()
    expect(edited.locator(":scope > .cz-gone")).to_have_text(_t("deleted", lang))
    reply_node = page.locator(f"#cz-c-{mine_id} .cz-r .cz-c")
    reply_node.locator("[data-act=delete]").click()
    reply_node.locator("[data-act=confirm]").click()
    expect(page.locator(f"#cz-c-{mine_id}")).to_have_count(0)

    thread = httpx.get(widget.url + "/api/comments", params={"uri": path, "limit": 200}).json()
    assert thread["total"] == 51
    assert thread["comments"][0]["likes"] == 1
    assert widget.foreign_requests() == []


def test_empty_submit_on_the_french_page_speaks_french(widget: Widget) -> None:
    page = widget.open(widget.demo_copy("fr", "empty"))
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator(".cz-form .cz-go").click()
    text_error = page.locator("#cz-f-text-e")
    expect(text_error).to_have_text("Veuillez écrire votre commentaire.")
    expect(page.locator("#cz-f-author-e")).to_have_text("Veuillez indiquer votre nom.")
    assert text_error.get_attribute("aria-live") == "polite"
    expect(page.locator("#cz-f-text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#cz-f-text")).to_be_focused()
    assert "cz-f-text-e" in (page.get_attribute("#cz-f-text", "aria-describedby") or "")
    assert posts == []

    # The server's refusal lands next to its field too, in French.
    page.fill("#cz-f-text", "Un avis")
    page.fill("#cz-f-author", "Karim")
    page.fill("#cz-f-website", "http://intranet")
    page.locator(".cz-form .cz-go").click()
    expect(page.locator("#cz-f-website-e")).to_have_text(
        "Cette adresse de site ne semble pas valide ; elle doit commencer par http:// ou https://."
    )
    expect(page.locator("#cz-f-website")).to_be_focused()
    expect(page.locator("#cz-f-text-e")).to_have_text("")


def test_arabic_page_is_laid_out_right_to_left(widget: Widget) -> None:
    path = widget.demo_copy("ar", "rtl")
    root = widget.post(path, "مقال ممتاز، شكرًا!", author="سلمى")
    widget.post(path, "أتفق معك.", author="يوسف", parent=root["id"])
    page = widget.open(path)
    expect(page.locator(".causerie")).to_have_attribute("dir", "rtl")
    assert page.eval_on_selector(".causerie", "e => getComputedStyle(e).direction") == "rtl"
    parent = page.locator(f"#cz-c-{root['id']}").bounding_box()
    child = page.locator(f"#cz-c-{root['id']} .cz-r .cz-c").bounding_box()
    assert parent and child
    # Replies are indented from the right edge, not the left one.
    assert child["x"] + child["width"] < parent["x"] + parent["width"] - 10
    assert abs(child["x"] - parent["x"]) < 2
    avatar = page.locator(f"#cz-c-{root['id']} > .cz-h .cz-av").bounding_box()
    name = page.locator(f"#cz-c-{root['id']} > .cz-h .cz-a").bounding_box()
    assert avatar and name and avatar["x"] > name["x"]
    submit = page.locator(".cz-form .cz-go").bounding_box()
    preview = page.locator(".cz-form [data-act=preview]").bounding_box()
    assert submit and preview and submit["x"] > preview["x"]
    expect(page.locator(".cz-count")).to_have_text(_t("count_two", "ar"))
    expect(page.locator("[data-causerie-count]")).to_have_text(_t("count_two", "ar"))
    expect(page.locator(f"#cz-c-{root['id']} > .cz-b")).to_have_attribute("dir", "auto")
    assert widget.foreign_requests() == []


def test_keyboard_only_posting(widget: Widget) -> None:
    page = widget.open(widget.demo_copy("en", "keys"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cz-f-text":
            break
    else:
        pytest.fail("the comment field cannot be reached with Tab")
    page.keyboard.type("Typed without a mouse.")
    visited = []
    for value in ("Ines", "", "", None):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.name"))
        if value:
            page.keyboard.type(value)
    # The honeypot is skipped: text → name → e-mail → website → notify checkbox.
    assert visited == ["author", "email", "website", "notify"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "cz-btn cz-go"
    page.keyboard.press("Enter")
    expect(_own(page, "Typed without a mouse.").locator(".cz-a")).to_have_text("Ines")


def test_comments_posted_elsewhere_appear_live(widget: Widget) -> None:
    path = widget.demo_copy("fr", "live")
    page = widget.open(path)
    expect(page.locator("#causerie-thread")).to_have_attribute("data-causerie-live", "on")
    posted = widget.post(path, "Publié depuis un autre onglet", author="Omar")
    node = page.locator(f"#cz-c-{posted['id']}")
    expect(node.locator(".cz-b")).to_have_text("Publié depuis un autre onglet")
    expect(page.locator(".cz-count")).to_have_text(_t("count_one", "fr", n=1))
    auth = {"Authorization": f"Bearer {posted['edit_token']}"}
    httpx.patch(f"{widget.url}/api/comments/{posted['id']}", json={"text": "Corrigé"}, headers=auth)
    expect(node.locator(".cz-b")).to_have_text("Corrigé")
    httpx.delete(f"{widget.url}/api/comments/{posted['id']}", headers=auth)
    expect(node).to_have_count(0)
    expect(page.locator(".cz-empty")).to_have_text(_t("empty", "fr"))


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_no_serious_accessibility_violation(widget: Widget, axe: Path, lang: str) -> None:
    path = widget.demo_copy(lang, f"axe-{lang}")
    root = widget.post(path, "Un avis **argumenté**.", author="Samira", website="https://s.example")
    widget.post(path, "Une réponse.", author="Karim", parent=root["id"])
    page = widget.open(path)
    page.locator(f"#cz-c-{root['id']} > .cz-f [data-act=reply]").click()
    page.locator(".cz-form .cz-go").first.click()
    expect(page.locator("#cz-f-text-e")).not_to_be_empty()
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_server_rendered_thread_is_taken_over_not_rerendered(widget: Widget) -> None:
    root = widget.post("/tribune", "Rendu par le serveur", author="Léa")
    fragment = httpx.get(
        widget.url + "/api/comments.html", params={"uri": "/tribune", "lang": "fr"}
    ).text
    # A marker the widget's own markup never has: it survives only if the node is kept.
    fragment = fragment.replace('data-id="', 'data-probe="ssr" data-id="', 1)
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Tribune</title>'
        '<link rel="canonical" href="/tribune"></head><body><main><h1>Tribune</h1>'
        f'<div id="causerie-thread">{fragment}</div></main>'
        '<script src="/embed.js" async></script></body></html>'
    )
    widget.copies["/tribune"] = html
    page = widget.open("/tribune")
    node = page.locator(f"#cz-c-{root['id']}")
    expect(node).to_have_attribute("data-probe", "ssr")
    node.locator("[data-act=up]").click()
    expect(node.locator("[data-act=up] .cz-k")).to_have_text("1")
    reads = [u for u in widget.requests if "/api/comments?" in u]
    assert reads == []
    assert widget.foreign_requests() == []


def test_counts_on_a_listing_page_take_one_request(widget: Widget) -> None:
    for text in ("un", "deux"):
        widget.post("/a", text)
    widget.post("/b", "trois")
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Une</title></head>'
        "<body><ul>"
        + "".join(
            f'<li><a href="{u}">{u}</a> <span data-causerie-count="{u}"></span></li>'
            for u in ("/a", "/b", "/c")
        )
        + '</ul><script src="/embed.js" async></script></body></html>'
    )
    widget.copies["/une"] = html
    page = widget.open("/une", ready=False)
    spans = page.locator("[data-causerie-count]")
    expect(spans).to_have_text(["2 commentaires", "1 commentaire", "Aucun commentaire"])
    assert len([u for u in widget.requests if "/api/counts?" in u]) == 1
