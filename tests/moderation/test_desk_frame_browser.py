"""The desk's frame in Chromium: navigation at 1280 and 390 px, help, dates, the chart, RTL, axe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_skeleton
from sqlalchemy import create_engine

from tests.conftest import LiveServer, set_comment_columns
from tests.moderation.desk import (
    DESKTOP,
    PHONE,
    Admin,
    open_desk,
    post,
    serious_violations,
    settled,
    show,
    t,
)
from tests.moderation.desk import desk as desk  # the module's live server

pytestmark = pytest.mark.browser

VIEWS = ["queue", "threads", "overview", "settings", "blocks", "notifications", "audit", "imports"]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_navigation_stands_on_one_line_per_item_at_1280_px(
    browser: Any, desk: LiveServer, lang: str
) -> None:
    page = open_desk(browser, desk, lang, DESKTOP)
    assert page.is_visible("#nav") and not page.is_visible(".top .menu")
    links = page.locator("#nav a[data-view]")
    assert sorted(links.evaluate_all("(a) => a.map((x) => x.dataset.view)")) == sorted(VIEWS)
    # Every item on one line, nothing cut: one line box, and its text fits its width.
    lines = links.evaluate_all(
        "(a) => a.map((x) => [x.querySelector('.label').getClientRects().length,"
        " x.scrollWidth <= x.clientWidth])"
    )
    assert lines == [[1, True]] * len(VIEWS)
    top = page.locator(".top").bounding_box()
    assert top is not None and top["height"] <= 60  # the header does not wrap either
    for view in VIEWS:
        page.click(f"#nav [data-view={view}]")
        page.wait_for_function(
            f"document.querySelector('main').dataset.shown.startsWith('#/{view}')"
        )
        settled(page)
        current = page.locator("#nav [aria-current=page]")
        assert current.count() == 1 and current.get_attribute("data-view") == view
        assert page.evaluate("document.activeElement.tagName") == "H1"  # focus moved to the view
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_on_a_phone_the_navigation_is_a_menu(browser: Any, desk: LiveServer, lang: str) -> None:
    page = open_desk(browser, desk, lang, PHONE)
    menu = page.get_by_role("button", name=t(lang, "desk.menu"))
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not page.is_visible("#nav")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu.focus()
    page.keyboard.press("Enter")
    assert page.is_visible("#nav") and menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not page.is_visible("#nav")
    assert page.evaluate("document.activeElement.classList.contains('menu')")
    menu.click()
    page.click("#nav [data-view=overview]")
    page.wait_for_function("document.querySelector('main').dataset.shown === '#/overview'")
    assert not page.is_visible("#nav") and menu.get_attribute("aria-expanded") == "false"
    assert page.errors == []
    page.context.close()


def test_the_help_overlay_is_a_dialog_that_keeps_and_returns_the_focus(
    browser: Any, desk: LiveServer
) -> None:
    post(desk, "Un avis pour l'aide", "/help")
    page = open_desk(browser, desk, "fr")
    page.keyboard.press("j")  # the keys move the focus to a card
    opener = page.evaluate("document.activeElement.id")
    assert opener.startswith("c")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name=t("fr", "help.title"))
    assert dialog.is_visible()
    assert "j" in dialog.inner_text() and t("fr", "help.approve") in dialog.inner_text()
    for _ in range(6):  # Tab and Shift+Tab never leave the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("Boolean(document.activeElement.closest('dialog'))")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("Boolean(document.activeElement.closest('dialog'))")
    page.keyboard.press("Escape")
    assert page.locator("dialog").count() == 0
    assert page.evaluate("document.activeElement.id") == opener
    # An Arabic keyboard types "؟" on Shift+/: the help opens all the same.
    page.evaluate(
        "document.dispatchEvent(new KeyboardEvent('keydown',"
        " {key: '؟', code: 'Slash', shiftKey: true, bubbles: true}))"
    )
    assert page.get_by_role("dialog").is_visible()
    page.keyboard.press("Escape")
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize(
    ("lang", "written"),
    [("fr", "7 déc. 2019"), ("ar", "7 ديسمبر 2019"), ("en", "Dec 7, 2019")],
)
def test_dates_are_written_in_the_moderators_language(
    browser: Any, desk: LiveServer, lang: str, written: str
) -> None:
    held = post(desk, f"Un avis daté ({lang})", f"/dates-{lang}")
    noon = datetime(2019, 12, 7, 12, 0, tzinfo=UTC).timestamp()
    set_comment_columns(create_engine(desk.env["CAUSERIE_DATABASE_URL"]), held, created=noon)
    page = open_desk(browser, desk, lang)
    when = page.locator(f"#c{held} time")
    assert when.inner_text().startswith(written)
    assert when.get_attribute("datetime") == "2019-12-07T12:00:00.000Z"
    show(page, "#/overview")
    last = page.locator("figure.chart svg text").nth(5)  # values 0, ½, max; days first, mid, last
    today = datetime.now(UTC).date()
    assert last.text_content() == format_skeleton("MMMd", today, locale=lang)
    page.context.close()


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_chart_label_leaves_the_picture(
    browser: Any, desk: LiveServer, lang: str, viewport: dict[str, int]
) -> None:
    for i in range(3):
        post(desk, f"Un avis pour le graphique {i}", "/chart")
    page = open_desk(browser, desk, lang, viewport, path="#/overview")
    svg = page.locator("figure.chart svg")
    boxes = svg.evaluate(
        """(svg) => {
          const view = svg.viewBox.baseVal;
          return Array.from(svg.querySelectorAll('text')).map((t) => {
            const b = t.getBBox();
            return [t.textContent, b.x >= view.x && b.y >= view.y
              && b.x + b.width <= view.x + view.width && b.y + b.height <= view.y + view.height];
          });
        }"""
    )
    assert len(boxes) >= 10
    assert [label for label, inside in boxes if not inside] == []
    # Right to left, time runs right to left: the newest day is on the left.
    xs = svg.evaluate(
        "(svg) => svg.querySelector('polyline').points.length"
        " && [svg.querySelector('polyline').points.getItem(0).x,"
        " svg.querySelector('polyline').points.getItem(29).x]"
    )
    assert (xs[0] > xs[1]) == (lang == "ar")
    page.context.close()


def test_arabic_mirrors_every_screen(browser: Any, desk: LiveServer) -> None:
    post(desk, "تعليق للاختبار من اليمين إلى اليسار", "/rtl", lang="ar")
    page = open_desk(browser, desk, "ar", DESKTOP, site="default")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    for view in VIEWS:
        show(page, f"#/{view}")
        main = page.locator("main").bounding_box()
        nav = page.locator("#nav").bounding_box()
        assert main and nav and nav["x"] > main["x"], view  # the side bar on the right
        assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == (
            "rtl"
        )
    show(page, "#/queue/pending")
    card = page.locator("#queue > li").first
    border = card.evaluate(
        "(n) => [getComputedStyle(n).borderRightWidth, getComputedStyle(n).borderLeftWidth]"
    )
    assert border == ["4px", "1px"]  # the card's accent edge is its inline start: the right
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_accessibility_violation_on_any_screen(
    browser: Any, desk: LiveServer, axe: Path, lang: str
) -> None:
    post(desk, "Gagnez de l'argent facile bit.ly/abc", "/axe", email="s@mail.example")
    page = open_desk(browser, desk, lang, DESKTOP, site="default")
    found = {}
    for view in VIEWS:
        show(page, f"#/{view}")
        found[view] = serious_violations(page, axe)
    show(page, "#/queue/pending")
    page.keyboard.press("?")
    page.wait_for_selector("dialog.help")
    found["help"] = serious_violations(page, axe)
    page.keyboard.press("Escape")
    assert found == {name: [] for name in found}
    page.set_viewport_size(PHONE)
    page.click(".top .menu")
    found = {"menu": serious_violations(page, axe)}
    page.keyboard.press("Escape")
    for view in ("queue", "overview", "settings"):  # on a phone: the chart scrolls sideways
        show(page, f"#/{view}")
        found[view] = serious_violations(page, axe)
    assert found == {name: [] for name in found}
    assert page.errors == []
    page.context.close()


def test_each_settings_section_saves_on_its_own(browser: Any, desk: LiveServer) -> None:
    admin = Admin(desk)
    page = open_desk(browser, desk, "fr", DESKTOP, path="#/settings", site="default")
    toc = page.get_by_role("navigation", name=t("fr", "settings.toc"))
    toc.get_by_role("link", name=t("fr", "settings.section.reports")).click()
    assert page.evaluate("document.activeElement.id") == "settings-reports-title"
    reports = page.locator("#settings-reports")
    reports.get_by_label(t("fr", "settings.report_threshold")).fill("5")
    reports.get_by_label(t("fr", "settings.report_action")).select_option("queue")
    words = page.locator("#settings-moderation").get_by_label(t("fr", "settings.hold_words"))
    words.fill("arnaque*")  # typed, not saved: another section's button was pressed
    reports.get_by_role("button").click()
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    settled(page)
    saved = admin.get("/sites/default/settings")
    assert (saved["report_threshold"], saved["report_action"]) == (5, "queue")
    assert saved["hold_words"] == []
    # The hook's test button says what came back, here: nothing listens there.
    hook = page.locator("#settings-hook")
    hook.get_by_label(t("fr", "settings.moderation_hook_url")).fill("http://127.0.0.1:9/hook")
    hook.get_by_label(t("fr", "settings.moderation_hook_secret")).fill("un secret assez long")
    hook.get_by_label(t("fr", "settings.moderation_hook_allow_private")).check()
    hook.get_by_role(
        "button", name=t("fr", "settings.save_section", section=t("fr", "settings.section.hook"))
    ).click()
    settled(page)
    hook.get_by_role("button", name=t("fr", "hook.test")).click()
    settled(page)
    assert page.locator(".hook-outcome").inner_text().startswith(t("fr", "hook.outcome.error"))
    assert page.errors == []
    page.context.close()
