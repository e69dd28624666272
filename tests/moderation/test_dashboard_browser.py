"""The dashboard in Debian's Chromium (Playwright) against a real ``causerie serve``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, start_server
from tests.moderation.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "admin@news.example"
KEYS_EMAIL = "keys@news.example"
RACE_EMAIL = "race@news.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module, holding every comment, with accounts made by the real CLI.

    The admin works on the default site; moderators of the sites ``keys`` and ``race``
    alone have queues of their own, so the tests do not see each other's comments.
    """
    tmp = tmp_path_factory.mktemp("dashboard")
    # The shipped model is the spam work's; these tests are about the dashboard.
    env = {
        "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp / 'live.db'}",
        "CAUSERIE_MODERATION": "hold_all",
        "CAUSERIE_SPAM_FILTER": "false",
    }
    live = start_server(env, tmp / "server.log")
    try:
        for email, site in ((EMAIL, None), (KEYS_EMAIL, "keys"), (RACE_EMAIL, "race")):
            role = "moderator" if site else "admin"
            command = [sys.executable, "-m", "causerie", "user", "add", email, "--role", role]
            command += ["--password-stdin"] + (["--site", site] if site else [])
            added = subprocess.run(
                command,
                input=PASSWORD + "\n",
                env=live.env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert added.returncode == 0, added.stderr
        yield live
    finally:
        live.stop()


def _post(server: LiveServer, text: str, uri: str, **extra: Any) -> int:
    body = {"uri": uri, "author": "Samira", "text": text, **extra}
    response = httpx.post(server.url + "/api/comments", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _public(server: LiveServer, uri: str) -> list[int]:
    data = httpx.get(server.url + "/api/comments", params={"uri": uri}, timeout=10).json()
    return [c["id"] for c in data["comments"] if c["state"] == "approved"]


def _page(browser: Any) -> Any:
    # Playwright's wait_for_function evaluates strings, which the dashboard's CSP forbids.
    return browser.new_context(bypass_csp=True).new_page()


def _logged_in(browser: Any, server: LiveServer, lang: str = "en", email: str = EMAIL) -> Any:
    page = _page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/admin?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("#queue")
    page.errors = errors
    return page


def _settled(page: Any) -> None:
    """Wait until the dashboard has no request in flight."""
    page.wait_for_function("document.body.dataset.busy === '0'")


def _count(page: Any) -> str:
    return str(page.inner_text("#count"))


def test_approve_then_mark_spam_reaches_the_public_thread(browser: Any, server: LiveServer) -> None:
    held = _post(server, "Un commentaire à approuver", "/approve")
    page = _logged_in(browser, server)
    item = page.locator(f"#c{held}")
    item.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_selector(f"#c{held}", state="detached")
    page.wait_for_function("document.getElementById('status').textContent.includes('Approved')")
    assert _public(server, "/approve") == [held]
    page.click("nav.queues a[data-queue=approved]")  # a tab, with its count
    page.locator(f"#c{held}").get_by_role("button", name="Spam", exact=True).click()
    page.wait_for_selector(f"#c{held}", state="detached")
    page.wait_for_function("document.getElementById('status').textContent.includes('spam')")
    assert _public(server, "/approve") == []
    assert page.errors == []


def test_keyboard_alone_clears_a_queue_of_50_mixed_comments(
    browser: Any, server: LiveServer
) -> None:
    for i in range(50):
        extra = {"email": f"r{i}@mail.example"} if i % 2 else {"website": "https://x.example"}
        text = f"Commentaire {i} " + ("buy cheap pills now" if i % 5 == 0 else "merci")
        _post(server, text, "/keys", site="keys", **extra)
    page = _logged_in(browser, server, email=KEYS_EMAIL)
    assert _count(page) == "50 comments"
    keys = "asd"
    for i in range(50):
        if i == 10:  # move down and back up: j/k change the current comment
            page.keyboard.press("j")
            page.keyboard.press("k")
        page.keyboard.press(keys[i % 3])
        page.wait_for_function(
            f"document.getElementById('count')?.textContent.startsWith('{49 - i} ')"
        )
    page.wait_for_function("document.querySelectorAll('#queue > li').length === 0")
    _settled(page)
    page.keyboard.press("u")  # undo brings the last one back
    page.wait_for_function("document.querySelectorAll('#queue > li').length === 1")
    page.keyboard.press("a")
    page.wait_for_function("document.getElementById('count')?.textContent.startsWith('0 ')")
    _settled(page)
    totals = {}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post("/api/admin/login", json={"email": KEYS_EMAIL, "password": PASSWORD})
        for state in ("pending", "approved", "spam", "deleted"):
            totals[state] = client.get("/api/admin/comments", params={"state": state}).json()[
                "total"
            ]
    assert totals == {"pending": 0, "approved": 18, "spam": 16, "deleted": 16}
    assert page.errors == []


def test_a_late_answer_does_not_bring_back_a_comment_decided_after_it(
    browser: Any, server: LiveServer
) -> None:
    """The second decision is taken while the first is still on its way; the first's
    answer must not redraw the list from the server before the second has been sent,
    or the second comment comes back and stays (the desk's flaky 50-key test)."""
    for i in range(2):
        _post(server, f"Commentaire en course {i}", "/race", site="race")
    page = _logged_in(browser, server, email=RACE_EMAIL)
    assert _count(page) == "2 comments"
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/api/admin/comments/action", hold)

    def wait_for_held(n: int) -> None:
        for _ in range(200):
            if len(held) >= n:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{len(held)} decisions reached the network, not {n}")

    page.keyboard.press("a")
    wait_for_held(1)
    page.keyboard.press("a")  # the second comment is decided before the first answer
    page.wait_for_function("document.querySelectorAll('#queue > li').length === 0")
    held[0].continue_()
    wait_for_held(2)  # the second decision is sent once the first is answered
    # Whatever the first answer made the desk fetch has arrived: only the held one is left.
    page.wait_for_function("document.body.dataset.busy === '1'")
    held[1].continue_()
    _settled(page)
    assert page.locator("#queue > li").count() == 0
    assert _count(page).startswith("0 ")
    page.unroute("**/api/admin/comments/action", hold)
    assert page.errors == []


def test_arabic_dashboard_is_right_to_left(browser: Any, server: LiveServer) -> None:
    page = _page(browser)
    page.goto(server.url + "/admin?lang=ar")
    page.wait_for_selector("form.login")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.inner_text("h1") == "تسجيل الدخول إلى الإشراف"
    page.fill("#email", EMAIL)
    page.fill("#password", "wrong password!")
    page.press("#password", "Enter")
    page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert "كلمة المرور" in page.inner_text("#error")
    direction = page.evaluate("getComputedStyle(document.querySelector('main')).direction")
    assert direction == "rtl"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_queue_page_has_no_serious_accessibility_violation(
    browser: Any, server: LiveServer, axe: Path, lang: str
) -> None:
    spam = _post(server, "Gagnez de l'argent facile bit.ly/abc", "/axe", email="s@mail.example")
    _post(server, "Un avis sincère", "/axe")
    page = _logged_in(browser, server, lang=lang)
    assert page.locator(f"#c{spam}").count() == 1
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_links_a_reader_chose_carry_noopener_noreferrer(browser: Any, server: LiveServer) -> None:
    uri = "https://reader-chosen.example/page"
    held = _post(server, "Voir [ici](https://elsewhere.example/x)", uri)
    page = _logged_in(browser, server)
    _settled(page)
    item = page.locator(f"#c{held}")
    thread_link = item.locator(f'a[href="{uri}"]')
    text_link = item.locator('.text a[href="https://elsewhere.example/x"]')
    for link in (thread_link, text_link):
        rel = link.get_attribute("rel") or ""
        assert {"noopener", "noreferrer"} <= set(rel.split()), rel
    page.context.close()


def test_hostile_corpus_never_runs_in_any_dashboard_queue(browser: Any, server: LiveServer) -> None:
    """The XSS corpus as texts and names, spread over the four queues, with the detector on."""
    from tests.browser.test_hostile_corpus import DETECTOR, REPORT, corpus

    marker = "corpus@hostile.example"
    payloads = corpus("xss.txt")
    ids = [
        _post(server, payload, "/hostile-dashboard", author=payload[:80], email=marker)
        for payload in payloads
    ]
    with httpx.Client(base_url=server.url + "/api/admin", timeout=10) as admin:
        csrf = admin.post("/login", json={"email": EMAIL, "password": PASSWORD}).json()["csrf"]
        share = len(ids) // 4
        for n, action in enumerate(("spam", "approve", "delete"), start=1):
            chosen = ids[n * share : (n + 1) * share]
            done = admin.post(
                "/comments/action",
                json={"action": action, "ids": chosen},
                headers={"X-CSRF-Token": csrf},
            )
            assert done.status_code == 200, done.text
    expected = {"pending": share + len(ids) % 4, "spam": share, "approved": share}
    expected["deleted"] = share

    # No CSP here: a payload that got through the sanitizer would run and be seen.
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(DETECTOR)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server.url}/admin?lang=en")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("#queue")
    page.click("details.more-filters summary")  # the rarer filters sit behind a disclosure
    page.fill("#search-email", marker)
    page.locator("form.filters button[type=submit]").click()
    _settled(page)
    for state, count in expected.items():
        page.click(f"nav.queues a[data-queue={state}]")
        _settled(page)
        for item in page.locator("#queue > li .text").all():
            box = item.bounding_box()
            if box:
                page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.wait_for_timeout(300)
        assert page.evaluate(REPORT) == {"pwned": [], "csp": []}, state
        assert dialogs == [], state
        assert page.locator("#queue > li").count() == count, state
    context.close()
