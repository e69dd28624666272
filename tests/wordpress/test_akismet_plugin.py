"""WordPress's own Akismet plugin, unchanged, checking comments with Causerie.

The site (tests/wordpress/conftest.py) is Debian's WordPress 6.1 with
Akismet 5.0.2, the mu-plugin printed by ``causerie wordpress mu-plugin``, and
the key pasted into the plugin's own settings form. Visitors post through
wp-comments-post.php with the fields of the theme's real comment form.
"""

from __future__ import annotations

import html
import re
import sqlite3
import zlib
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.wordpress.conftest import SETTINGS, WordPressSite, form_fields

pytestmark = pytest.mark.wordpress

CANT_CONNECT = "can&#8217;t connect to the Akismet servers"
POST = "/?p=1"  # "Hello world!", the post WordPress creates

HAM = {
    "fr": (
        "Claire Martin",
        "Merci pour cet article très clair sur la réforme des retraites. J'aurais aimé un peu "
        "plus de détails sur le calendrier de mise en œuvre, mais l'essentiel est là.",
    ),
    "en": (
        "James Whitfield",
        "Interesting piece. I visited Lyon last spring and the new tram line really did "
        "change how people get around the old town.",
    ),
    "ar": (
        "سامية",
        "شكرًا على هذا المقال المفيد. أتمنى أن تكتبوا المزيد عن موضوع التعليم في الأرياف.",
    ),
}
SCAM = (
    "Investisseur Crypto",
    "Bonjour à tous, j'ai gagné 4 800 € en une semaine grâce au trading de Bitcoin avec mon "
    "conseiller. Contactez-le directement sur WhatsApp au +33 7 56 84 21 09 pour doubler "
    "votre investissement, gains garantis et retrait immédiat !",
)
MISSED = ("Lucas", "Sympa cet article, je le partage avec mes collègues de la rédaction.")


def comment(site: WordPressSite, author: str, text: str, **extra: str) -> None:
    """A visitor opens the post, fills in the theme's comment form and sends it."""
    with site.visitor() as visitor:
        page = visitor.get(POST, follow_redirects=True)
        assert page.status_code == 200
        fields = form_fields(page.text, "wp-comments-post.php")
        assert "ak_hp_textarea" in fields and "akismet_comment_nonce" in fields
        email = f"lecteur{zlib.crc32(author.encode())}@exemple.fr"  # one per author
        fields.update(author=author, email=email, url="", comment=text, **extra)
        done = visitor.post(
            "/wp-comments-post.php", data=fields, headers={"referer": str(page.url)}
        )
        # An empty 200 is WordPress refusing the form (wp-comments-post.php exits).
        assert done.status_code == 302, (
            done.status_code,
            re.sub(r"<[^>]+>|\s+", " ", done.text)[-400:],
        )


def status_of(site: WordPressSite, author: str, meta: str = "akismet_result") -> tuple[str, str]:
    """WordPress's status of an author's comment and one of Akismet's notes on it."""
    rows = site.sql(
        "SELECT c.comment_approved, IFNULL(m.meta_value, '') FROM wp_comments c "
        "LEFT JOIN wp_commentmeta m ON m.comment_id = c.comment_ID "
        f"AND m.meta_key = '{meta}' WHERE c.comment_author = '{author}'"
    )
    assert len(rows) == 1, f"{len(rows)} comments by {author}"
    return rows[0][0], rows[0][1]


def comment_id(site: WordPressSite, author: str) -> int:
    rows = site.sql(f"SELECT comment_ID FROM wp_comments WHERE comment_author = '{author}'")
    return int(rows[0][0])


def moderate(site: WordPressSite, author: str, action: str, listing: str) -> None:
    """Click "Spam" / "Not Spam" under a comment in Comments (the link, without JavaScript)."""
    cid = comment_id(site, author)
    page = site.admin_page(listing)
    link = re.search(rf'href="(comment\.php\?c={cid}&(?:amp;|#038;)action={action}&[^"]+)"', page)
    assert link, f"no {action} link for comment {cid}"
    done = site.admin.get("/wp-admin/" + html.unescape(link.group(1)))
    assert done.status_code == 302


def causerie_learning(site: WordPressSite) -> list[tuple[int, str, str]]:
    """Causerie's learning log: (is_spam, source, sample) of every decision it learnt from."""
    url = site.causerie.env["CAUSERIE_DATABASE_URL"]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT is_spam, source, sample FROM spam_learning ORDER BY id")
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def causerie_usage(site: WordPressSite) -> dict[str, Any]:
    """The key's counters of this month, as Causerie's key-sites call reports them."""
    response = httpx.get(site.causerie.url + "/1.2/key-sites", params={"api_key": site.key})
    body: dict[str, Any] = response.json()
    month = next(k for k in body if k not in ("limit", "offset", "total"))
    sites: list[dict[str, Any]] = body[month]
    return sites[0]


def test_key_entered_through_the_plugins_form(wordpress: WordPressSite) -> None:
    assert "Akismet is now protecting your site from spam" in wordpress.key_entered
    assert wordpress.option("wordpress_api_key") == wordpress.key
    page = wordpress.admin_page(SETTINGS)
    assert CANT_CONNECT not in page
    assert "Akismet is active and ready to stop spam" in page
    assert wordpress.key in page  # the key field of the Settings card
    assert "Causerie" in page  # Account card: the subscription get-subscription gave
    must_use = wordpress.admin_page("/wp-admin/plugins.php?plugin_status=mustuse")
    assert "Causerie for Akismet" in must_use
    assert wordpress.php_problems() == []


def test_screenshot_of_the_connected_settings_page(wordpress: WordPressSite, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_cookies(
        [
            {"name": c.name, "value": c.value or "", "url": wordpress.url}
            for c in wordpress.admin.cookies.jar
        ]
    )
    page = context.new_page()
    page.goto(wordpress.url + SETTINGS)
    assert page.locator("#akismet-plugin-container").is_visible()
    assert page.get_by_text("can’t connect to the Akismet servers").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "wordpress-akismet-connected.png"
    # The key is masked: it changes every run, and the picture in the docs should not.
    # (Written to test-artifacts/ only: `make docs-images` copies it into docs/images/.)
    page.locator("#wpbody-content").screenshot(
        path=str(shot), mask=[page.locator("#key")], mask_color="#dcdcde"
    )
    context.close()


def test_comments_moderation_and_statistics(wordpress: WordPressSite) -> None:
    for author, text in HAM.values():
        comment(wordpress, author, text)
        assert status_of(wordpress, author) == ("1", "false"), author
    comment(wordpress, *MISSED)
    assert status_of(wordpress, MISSED[0]) == ("1", "false")

    comment(wordpress, "viagra-test-123", "Un commentaire de l'auteur de test d'Akismet.")
    comment(wordpress, *SCAM)
    # The same words twice: from a person, and from a bot that filled the hidden textarea.
    bland = "Great post, thanks for sharing this information with us."
    comment(wordpress, "Mary", bland)
    comment(wordpress, "Mary Bot", bland, ak_hp_textarea="https://cheap-pills.example")
    assert status_of(wordpress, "Mary") == ("1", "false")
    # The key was entered with "Always put spam in the Spam folder": nothing is discarded.
    for author in ("viagra-test-123", SCAM[0], "Mary Bot"):
        assert status_of(wordpress, author) == ("spam", "true"), author
    assert status_of(wordpress, "Mary Bot", "akismet_pro_tip") == ("spam", "discard")
    # The comment's history says "Akismet caught this comment as spam."
    assert '"check-spam"' in status_of(wordpress, "viagra-test-123", "akismet_history")[1]

    # The moderator: "Spam" under a published comment, "Not Spam" in the spam folder.
    moderate(wordpress, MISSED[0], "spamcomment", "/wp-admin/edit-comments.php")
    spam_folder = "/wp-admin/edit-comments.php?comment_status=spam"
    moderate(wordpress, "viagra-test-123", "unspamcomment", spam_folder)
    assert status_of(wordpress, MISSED[0])[0] == "spam"
    assert status_of(wordpress, "viagra-test-123")[0] in ("0", "1")
    learnt = causerie_learning(wordpress)
    assert [(is_spam, source) for is_spam, source, _ in learnt] == [
        (1, "akismet_key"),
        (0, "akismet_key"),
    ]
    assert "collègues de la rédaction" in learnt[0][2] and "auteur de test" in learnt[1][2]
    assert '"lang": "fr"' in learnt[0][2], "blog_lang=fr_FR, WordPress's locale"
    usage = causerie_usage(wordpress)
    assert (usage["spam"], usage["ham"]) == ("3", "5")
    assert (usage["missed_spam"], usage["false_positives"]) == ("1", "1")

    # Settings → Akismet draws Causerie's figures (get-stats).
    page = wordpress.admin_page(SETTINGS)
    assert CANT_CONNECT not in page
    blocked = re.findall(r"<span>([\d,]+)</span>\s*Spam blocked", page)
    assert blocked == ["3", "3"], "past six months and all time"
    assert "75%" in page  # 1 - (1 missed + 1 false positive) / 8 checks
    assert "1 missed spam" in page and "1 false positive" in page
    assert wordpress.option("akismet_spam_count") == "3"
    # The chart beside them and "Detailed Stats" are Causerie's pages, in French.
    frames = [html.unescape(src) for src in re.findall(r'<iframe[^>]*src="([^"]+)"', page)]
    assert len(frames) == 1 and frames[0].startswith(wordpress.causerie.url + "/akismet/snapshot?")
    detailed = wordpress.admin_page(SETTINGS + "&view=stats")
    frames = [html.unescape(src) for src in re.findall(r'<iframe[^>]*src="([^"]+)"', detailed)]
    assert len(frames) == 1 and frames[0].startswith(
        wordpress.causerie.url + "/akismet/user-stats?"
    )
    stats_page = httpx.get(frames[0])
    assert stats_page.status_code == 200 and "Statistiques anti-spam" in stats_page.text, frames
    totals = re.search(r"<tfoot>(.*?)</tfoot>", stats_page.text)
    assert totals is not None
    assert re.findall(r"<td>(\d+)</td>", totals.group(1)) == ["3", "5", "1", "1"]
    assert wordpress.php_problems() == []

    # "Silently discard the worst spam": a filled honeypot is then never stored.
    settings = form_fields(page, 'value="enter-key"')
    done = wordpress.admin.post(SETTINGS, data={**settings, "akismet_strictness": "1"})
    assert done.status_code == 200 and wordpress.option("akismet_strictness") == "1"
    comment(wordpress, "Bot Two", bland + " Really.", ak_hp_textarea="https://pills.example")
    assert wordpress.sql("SELECT 1 FROM wp_comments WHERE comment_author = 'Bot Two'") == []
    assert causerie_usage(wordpress)["spam"] == "4"


def test_screenshot_of_the_statistics(wordpress: WordPressSite, browser: Any) -> None:
    """The Statistics card once comments have come in (after the test above)."""
    if wordpress.option("akismet_spam_count") in ("", "0"):
        pytest.skip("no spam yet: run with test_comments_moderation_and_statistics")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_cookies(
        [
            {"name": c.name, "value": c.value or "", "url": wordpress.url}
            for c in wordpress.admin.cookies.jar
        ]
    )
    page = context.new_page()
    page.goto(wordpress.url + SETTINGS)
    card = page.locator(".akismet-card").first
    frame = page.frame_locator(".akismet-new-snapshot iframe")
    assert frame.locator("svg rect").count() == 12  # Causerie's chart: six months, two bars
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "wordpress-akismet-statistics.png"
    card.screenshot(path=str(shot))
    context.close()
