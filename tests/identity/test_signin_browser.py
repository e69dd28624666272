"""Sign-in in Chromium: an article on another domain, the real OIDC provider in a pop-up,
a verified comment, sign out; no cookie of Causerie's; axe on the sign-in dialog (fr, ar, en)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from causerie.core.i18n import translate
from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine, upgrade
from tests.conftest import LiveServer, free_port, start_server
from tests.identity.conftest import CLIENT_ID, CLIENT_SECRET, start_provider, stop_provider
from tests.moderation.conftest import PASSWORD
from tests.privacy.conftest import Mailbox

pytestmark = pytest.mark.browser
EMAIL = "admin@news.example"

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Le tram</title>
</head><body><main><h1>Le tram</h1><div id="causerie-thread"></div></main>
<script src="{server}/embed.js" data-causerie-uri="/2026/tram"{sso} async></script></body></html>"""


@dataclass
class Publisher:
    """The news site: a real HTTP server on another site than Causerie's (127.0.0.2)."""

    url: str
    server: ThreadingHTTPServer

    def article(self, lang: str, sso: str = "") -> str:
        return f"{self.url}/2026/tram?lang={lang}" + (f"&sso={sso}" if sso else "")


def start_publisher(causerie: str) -> Publisher:
    class Article(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            lang = query.get("lang", ["fr"])[0]
            # A logged-in reader of the publisher: its server signs her token into the embed.
            sso = f' data-causerie-sso="{query["sso"][0]}"' if "sso" in query else ""
            body = PAGE.format(lang=lang, server=causerie, sso=sso).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.2", port), Article)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Publisher(f"http://127.0.0.2:{port}", server)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, Mailbox, Publisher]]:
    """Causerie (SMTP on, signed-in readers only) with the provider sending readers back to it."""
    where = tmp_path_factory.mktemp("signin")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    publisher = start_publisher(url)
    # Three hosts, so that each one's cookies can be told apart: Causerie on 127.0.0.1,
    # the provider on localhost, the publisher on 127.0.0.2.
    provider = start_provider([url + "/signin/oidc/callback"], where / "oidc.log", "localhost")
    box = Mailbox("127.0.0.1", free_port())
    smtp = Controller(box, hostname=box.host, port=box.port)
    smtp.start()
    database = f"sqlite:///{where / 'live.db'}"
    engine = create_database_engine(database)
    upgrade(engine)
    SqlCommentStore(engine).ensure_site("default")
    SqlCommentStore(engine).update_site_settings(
        "default",
        {
            "who_may_comment": "signed_in",
            "signin_methods": ["oidc", "email", "sso"],
            "oidc_issuer": provider.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "oidc_name": "Test ID",
            "sso_secret": "publisher-secret-0123456789abcdef",
            "sso_login_url": publisher.url + "/login",
        },
    )
    engine.dispose()
    env = {
        "CAUSERIE_DATABASE_URL": database,
        "CAUSERIE_SPAM_FILTER": "false",
        "CAUSERIE_PUBLIC_URL": url,
        "CAUSERIE_ALLOWED_ORIGINS": publisher.url,
        "CAUSERIE_SMTP_HOST": box.host,
        "CAUSERIE_SMTP_PORT": str(box.port),
        "CAUSERIE_SMTP_STARTTLS": "false",
    }
    live = start_server(env, where / "server.log", port=port)
    yield live, box, publisher
    live.stop()
    publisher.server.shutdown()
    smtp.stop()
    stop_provider(provider)


def _t(key: str, lang: str, **params: Any) -> str:
    return translate("widget." + key, lang, **params)


Served = tuple[LiveServer, Mailbox, Publisher]


def open_article(
    browser: Any, publisher: Publisher, lang: str = "fr", sso: str = ""
) -> tuple[Any, Any]:
    """The publisher's article (another origin than Causerie's), widget loaded."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(publisher.article(lang, sso))
    page.wait_for_selector(".causerie .cz-who")
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


def test_sign_in_in_a_pop_up_post_and_sign_out(browser: Any, server: Served) -> None:
    live, _, publisher = server
    context, page = open_article(browser, publisher)
    try:
        expect(page.locator(".cz-who")).to_contain_text(_t("signin.required", "fr"))
        expect(page.locator(".causerie > .cz-form")).to_be_hidden()
        page.get_by_role("button", name=_t("signin.open", "fr")).click()
        dialog = page.get_by_role("dialog", name=_t("signin.title", "fr"))
        expect(dialog).to_be_visible()
        with page.expect_popup() as opened:
            dialog.get_by_role("button", name=_t("signin.with", "fr", name="Test ID")).click()
        popup = opened.value
        popup.wait_for_selector("input[name=login]")
        provider = popup.url.split("/interaction/")[0]
        popup.fill("input[name=login]", "samira")
        popup.fill("input[name=password]", "any")
        popup.click("button[type=submit]")
        # The provider's consent page: once the login form is gone (clicking at once
        # could press the login page's button again while it loads, seen under load).
        popup.wait_for_selector("input[name=login]", state="detached")
        popup.click("button[type=submit]")
        popup.wait_for_event("close")

        as_samira = _t("signin.as", "fr", name="Samira")
        expect(page.locator(".cz-who")).to_contain_text(as_samira)
        expect(dialog).to_be_hidden()
        form = page.locator(".causerie > .cz-form")
        expect(form.locator(".cz-author")).to_be_hidden()
        form.locator("textarea").fill("Enfin le tram jusqu'au port !")
        form.locator(".cz-go").click()
        mine = page.locator(".cz-c").first
        expect(mine.locator(".cz-a")).to_have_text("Samira")
        expect(mine.locator(".cz-ok .cz-sr")).to_have_text(_t("verified", "fr"))
        # The session is a token the widget keeps: Causerie set no cookie at all (the
        # provider's own pages did, in the pop-up where they are first-party).
        assert context.cookies(live.url) == []
        assert context.cookies(provider) != []  # so cookies are recorded where they are set

        page.get_by_role("button", name=_t("signin.out", "fr")).click()
        expect(page.get_by_role("button", name=_t("signin.open", "fr"))).to_be_visible()
        expect(form).to_be_hidden()
        stored = page.evaluate("localStorage.getItem('causerie:session:default')")
        assert stored == "null"
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_the_mailed_link_signs_the_reader_in(browser: Any, server: Served) -> None:
    _, box, publisher = server
    context, page = open_article(browser, publisher, "en")
    try:
        page.get_by_role("button", name=_t("signin.open", "en")).click()
        page.get_by_label(_t("signin.name", "en")).fill("Karim")
        page.get_by_label(_t("signin.address", "en")).fill("karim@example.org")
        before = len(box.messages)
        page.get_by_role("button", name=_t("signin.email", "en")).click()
        expect(page.get_by_label(_t("signin.code", "en"))).to_be_focused()
        (mail,) = box.wait_for(before + 1)[before:]
        text = str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        link = next(w for w in text.split() if "#causerie-signin=" in w)
        assert link.startswith(publisher.article("en") + "#causerie-signin=")
        # The reader opens the link from her mail client: a new tab.
        tab = context.new_page()
        tab.goto(link)
        expect(tab.locator(".cz-who")).to_contain_text(_t("signin.as", "en", name="Karim"))
        assert "#" not in tab.url  # the code left the address bar
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_sign_in_dialog_has_no_serious_accessibility_violation(
    browser: Any, server: Served, axe: Path, lang: str
) -> None:
    _, _, publisher = server
    context, page = open_article(browser, publisher, lang)
    try:
        page.get_by_role("button", name=_t("signin.open", lang)).click()
        dialog = page.locator(".cz-dlg")
        expect(dialog).to_be_visible()
        expect(dialog).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
        # A wrong address shows its error inside the dialog, as a reader would see it.
        page.locator("#cz-si-si_name").fill("Nadia")
        page.locator("#cz-si-si_email").fill("not an address")
        dialog.locator(".cz-si-mail .cz-go").click()
        expect(page.locator("#cz-si-si_email-e")).not_to_be_empty()
        page.add_script_tag(path=str(axe))
        result = page.evaluate("axe.run('.cz-dlg', {resultTypes: ['violations']})")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == []
    finally:
        context.close()


def test_the_options_name_no_provider_url(server: Served) -> None:
    """The widget learns button labels only; the provider is reached when clicked."""
    live, _, publisher = server
    options = httpx.get(live.url + "/api/config", timeout=10).json()["signin"]
    assert options["methods"] == [
        {"method": "oidc", "name": "Test ID"},
        {"method": "email"},
        {"method": "sso", "login_url": publisher.url + "/login"},
    ]


def test_a_moderator_lists_a_readers_comments_and_blocks_her(browser: Any, server: Served) -> None:
    live, _, _ = server
    token = jwt.encode(
        {"sub": "reader-77", "name": "Inès", "exp": int(time.time()) + 300},
        "publisher-secret-0123456789abcdef",
        algorithm="HS256",
    )
    session = {
        "X-Causerie-Session": httpx.post(
            live.url + "/api/signin/sso", json={"token": token}, timeout=10
        ).json()["token"]
    }
    for text in ("Premier avis d'Inès", "Second avis d'Inès"):
        body = {"uri": "/2026/budget", "text": text}
        assert httpx.post(
            live.url + "/api/comments", json=body, headers=session, timeout=10
        ).is_success
    command = [
        sys.executable,
        "-m",
        "causerie",
        "user",
        "add",
        EMAIL,
        "--role",
        "admin",
        "--password-stdin",
    ]
    added = subprocess.run(
        command, input=PASSWORD + "\n", env=live.env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live.url}/admin?lang=en")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("#queue", state="attached")
    page.click("nav.queues a[data-queue=approved]")  # the desk's tab, with its count
    expect(page.locator("main")).to_have_attribute("data-shown", "#/queue/approved")
    item = page.locator("#queue > li", has_text="Second avis").first
    expect(item.locator(".badge", has_text="Signed-in reader")).to_be_visible()
    item.get_by_role("button", name="History").click()  # her history, in a side panel
    panel = page.get_by_role("dialog", name="Inès — history")
    expect(panel.locator(".reader-comments > li")).to_have_count(2)
    panel.get_by_role("button", name="Ban", exact=True).click()
    expect(page.locator("#status")).to_contain_text("Reader banned")
    assert httpx.get(live.url + "/api/signin/me", headers=session, timeout=10).status_code == 401
    refused = httpx.post(live.url + "/api/signin/sso", json={"token": token}, timeout=10)
    assert refused.json()["error"] == "reader_blocked"
    assert errors == []
    page.context.close()


def test_the_publishers_token_in_the_embed_signs_the_reader_in(
    browser: Any, server: Served
) -> None:
    _, _, publisher = server
    claims = {
        "sub": "reader-9",
        "name": "Youssef",
        "subscriber": True,
        "exp": int(time.time()) + 300,
    }
    token = jwt.encode(claims, "publisher-secret-0123456789abcdef", algorithm="HS256")
    context, page = open_article(browser, publisher, "ar", token)
    try:
        expect(page.locator(".cz-who")).to_contain_text(_t("signin.as", "ar", name="Youssef"))
        form = page.locator(".causerie > .cz-form")
        form.locator("textarea").fill("مقال ممتاز")
        form.locator(".cz-go").click()
        expect(page.locator(".cz-c", has_text="مقال ممتاز").locator(".cz-a")).to_have_text(
            "Youssef"
        )
        # The same reader's next page: the kept session serves, no new exchange.
        exchanges: list[str] = []
        page.on(
            "request", lambda r: exchanges.append(r.url) if "/api/signin/sso" in r.url else None
        )
        page.reload()
        expect(page.locator(".cz-who")).to_contain_text(_t("signin.as", "ar", name="Youssef"))
        assert exchanges == []
        # Logged out on the publisher's site: no token in the embed, signed out here too.
        page.goto(publisher.article("ar"))
        expect(page.get_by_role("button", name=_t("signin.open", "ar"))).to_be_visible()
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()
