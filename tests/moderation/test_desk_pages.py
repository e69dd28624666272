"""The desk's page and its parts, without a browser: catalogs, one script, the session given."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_skeleton
from starlette.testclient import TestClient

from causerie.api.admin_pages import ADMIN, admin_catalog, desk_parts
from causerie.api.overview_chart import ChartText, chart_svg
from tests.moderation.conftest import add_user, login

LANGS = ("en", "fr", "ar")
PLURAL_FORMS = {"zero", "one", "two", "few", "many", "other"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((ADMIN / "i18n" / f"{lang}.json").read_text("utf-8"))
    return data


def _base(key: str) -> str:
    head, _, last = key.rpartition(".")
    return head if last in PLURAL_FORMS else key


def test_every_string_exists_in_french_english_and_arabic_with_the_same_placeholders() -> None:
    catalogs = {lang: _catalog(lang) for lang in LANGS}
    bases = {lang: {_base(k) for k in c} for lang, c in catalogs.items()}
    assert bases["fr"] == bases["en"] and bases["ar"] == bases["en"]
    for key, english in catalogs["en"].items():
        wanted = set(PLACEHOLDER.findall(english)) - {"count"}
        for lang in ("fr", "ar"):
            text = catalogs[lang].get(key) or catalogs[lang].get(_base(key), "")
            assert set(PLACEHOLDER.findall(text)) - {"count"} == wanted, (lang, key)


def test_a_language_that_words_a_count_once_gets_no_english_plural_forms() -> None:
    arabic = admin_catalog("ar")
    assert arabic["admin.card.reports"] == _catalog("ar")["admin.card.reports"]
    assert "admin.card.reports.one" not in arabic  # English's "open report" would win
    assert arabic["admin.queue.count.two"] == "تعليقان"  # its own forms stay
    assert admin_catalog("fr")["admin.queue.count.one"] == "{count} commentaire"


def test_every_key_the_scripts_name_has_a_string() -> None:
    english = _catalog("en")
    source = "\n".join((ADMIN / name).read_text("utf-8") for name in desk_parts())
    keys = set(re.findall(r"\bt\(\"([a-z_.0-9]+)\"", source))
    keys |= set(re.findall(r"\btn\(\"([a-z_.0-9]+)\"", source))
    named = {k for k in keys if not k.endswith((".", "_"))}  # "state." + s: built later
    assert len(named) > 150
    missing = sorted(k for k in named if "admin." + k not in english)
    assert missing == []


def test_the_page_gives_the_session_and_one_script(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    page = client.get("/admin")
    assert '<script type="application/json" id="admin-me">null</script>' in page.text
    assert page.text.count("<script src=") == 1 and "/admin/assets/desk.js" in page.text
    add_user(client, "ines@news.example", "admin")
    moderator = login(client, "ines@news.example")
    page = client.get("/admin?lang=ar")
    given = re.search(r'id="admin-me">(.*?)</script>', page.text)
    assert given is not None
    me = json.loads(given.group(1))
    assert me["email"] == "ines@news.example" and me["csrf"] == moderator.csrf
    assert page.headers["cache-control"] == "no-store"
    script = client.get("/admin/assets/desk.js")
    assert script.headers["content-type"].startswith("text/javascript")
    for name in desk_parts():  # the core first, then every part, each once
        assert script.text.count(f"/* -- {name} -- */") == 1
    assert script.text.index("admin.js") < script.text.index("admin-queue.js")
    again = client.get("/admin/assets/desk.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304


def _days(n: int = 30, peak: int = 12345) -> list[dict[str, object]]:
    start = datetime(2026, 11, 8, tzinfo=UTC)
    return [
        {
            "date": (start + timedelta(days=i)).strftime("%Y-%m-%d"),
            "received": peak if i == n - 1 else i,
            "caught": i % 4,
            "missed": 1,
            "false_positives": 0,
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_chart_writes_days_as_the_language_does(lang: str) -> None:
    catalog = _catalog(lang)
    labels = {n: catalog[f"admin.chart.{n}"] for n in ("received", "caught", "missed")}
    svg = chart_svg(_days(), ChartText(labels, "t", lang))
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert format_skeleton("MMMd", datetime(2026, 12, 7), locale=lang) in texts
    assert not [x for x in texts if re.fullmatch(r"\d\d-\d\d", x)]  # no MM-DD left
    assert ("7 déc." in texts) == (lang == "fr") and ("7 ديسمبر" in texts) == (lang == "ar")
    assert 'direction="rtl"' in svg if lang == "ar" else 'direction="rtl"' not in svg


def test_a_long_legend_wraps_instead_of_leaving_the_picture() -> None:
    long = {n: "un libellé vraiment très long pour une légende" for n in ("received", "caught")}
    svg = chart_svg(_days(), ChartText(long, "t", "fr"))
    height = float(re.search(r'viewBox="0 0 720 ([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    rows = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="12"', svg)}
    assert len(rows) >= 2 and max(rows) + 12 <= height
