"""WordPress WXR 1.0 and 1.2 files imported with their counts, states, threading and data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from causerie.core.identity import hash_ip
from causerie.importers.records import ImportFailure
from causerie.store import schema as t
from tests.importers.conftest import FIXTURES, SECRET, Importer


def by_comment_id(importer: Importer) -> dict[str, Any]:
    """Comments by their WordPress ``comment_id`` (source ids are ``post:comment``)."""
    rows = importer.by_source()
    ids = {source.split(":", 1)[1]: row for source, row in rows.items()}
    assert len(ids) == len(rows), "comment ids are unique in these fixtures"
    return ids


WXR_12 = FIXTURES / "wordpress-1.2.xml"
WXR_10 = FIXTURES / "wordpress-1.0.xml"
# What wordpress-1.2.xml holds (see the file): 24 comments on 2 posts, 2 of them pings.
EXPECTED_12 = {
    "format": "wordpress",
    "threads": 2,
    "comments": 22,
    "approved": 17,
    "pending": 2,
    "spam": 1,
    "deleted": 2,
    "replies": 11,
    "skipped": 2,
    "warnings": 2,
    "errors": 0,
}


def test_a_theme_test_style_export_is_imported_with_its_counts(importer: Importer) -> None:
    summary = importer.run("wordpress", WXR_12)
    assert summary.as_dict() == EXPECTED_12
    assert importer.count() == 22
    assert importer.count(t.threads) == 2
    assert any("unknown state 'weird-state'" in m for m in summary.messages)


def test_a_wxr_1_1_export_reads_as_its_1_2_twin(importer: Importer, tmp_path: Path) -> None:
    # WordPress 3.1 to 3.3 wrote WXR 1.1: the same elements under the export/1.1/ namespace.
    text = WXR_12.read_text(encoding="utf-8")
    assert "http://wordpress.org/export/1.2/" in text
    older = tmp_path / "wordpress-1.1.xml"
    older.write_text(
        text.replace(
            "http://wordpress.org/export/1.2/", "http://wordpress.org/export/1.1/"
        ).replace("<wp:wxr_version>1.2</wp:wxr_version>", "<wp:wxr_version>1.1</wp:wxr_version>"),
        encoding="utf-8",
    )
    assert importer.run("wordpress", older).as_dict() == EXPECTED_12


def test_states_threading_and_dates_follow_the_file(importer: Importer) -> None:
    importer.run("wordpress", WXR_12)
    c = by_comment_id(importer)
    states = {k: c[k].state.value for k in ("1", "11", "12", "13", "14", "15")}
    assert states == {
        "1": "approved",
        "11": "pending",
        "12": "spam",
        "13": "deleted",
        "14": "deleted",
        "15": "pending",
    }
    # Ten levels deep: each reply has its parent, all share the first comment as root.
    for level in range(2, 11):
        assert c[str(level)].parent_id == c[str(level - 1)].id
        assert c[str(level)].root_id == c["1"].id
    # A reply written before its parent in the file still finds it.
    assert c["18"].parent_id == c["19"].id
    # Missing parent (999) and a filtered-out pingback parent: top-level, never orphans.
    assert c["20"].parent_id is None and c["20"].root_id is None
    assert c["21"].parent_id is None
    # comment_date_gmt is used; 0000-00-00 falls back to comment_date minus the learnt offset.
    assert c["1"].created == 1330851600.0  # 2012-03-04 09:00:00 UTC
    assert c["31"].created == c["30"].created + 1.5 * 3600
    # The thread: link, title, closed status.
    assert c["30"].uri == "https://journal.exemple/2012/06/marhaba/"


def test_addresses_are_kept_only_hashed_and_minimised(importer: Importer, tmp_path: Path) -> None:
    importer.run("wordpress", WXR_12)
    c = by_comment_id(importer)
    assert c["1"].ip_prefix == "203.0.113.0/24"
    assert c["1"].ip_hash == hash_ip(SECRET, "203.0.113.77")
    assert c["32"].ip_prefix == "2001:db8:1234::/48"
    details = [importer.store.sources(row.thread_id) for row in importer.comments()]
    dump = json.dumps([dict(row._mapping) for row in importer.comments()] + details, default=str)
    assert "akismet_result" in dump  # the verdicts are there, the submitted copy is not
    for raw in ("203.0.113.77", "198.51.100.23", "2001:db8:1234:5678::1"):
        assert raw not in dump


def test_akismet_verdicts_stay_with_their_comment(importer: Importer) -> None:
    importer.run("wordpress", WXR_12)
    c = by_comment_id(importer)
    details = dict(importer.store.sources(c["12"].thread_id))
    spam = json.loads(details[c["12"].id])
    assert spam["akismet"]["akismet_result"] == "true"
    assert "check-spam" in spam["akismet"]["akismet_history"]
    assert c["2"].id not in details  # nothing to keep, nothing stored


def test_html_becomes_the_safe_subset(importer: Importer) -> None:
    importer.run("wordpress", WXR_12)
    c = by_comment_id(importer)
    assert "<strong>gras</strong>" in c["1"].html and "<em>italique</em>" in c["1"].html
    assert c["1"].text.startswith("Premier commentaire, avec du **gras**")
    html = c["30"].html
    for kept in ("<blockquote>", "<del>", "<ul>", "<ol>", "<code>", "<pre>"):
        assert kept in html
    for gone in ("<script", "alert(", "<iframe", "javascript:", "<h2", "<img", "<span", "<font"):
        assert gone not in html
    assert "صورة" in html  # the image's alt text stays as text


def test_pingbacks_come_with_the_flag(importer: Importer) -> None:
    summary = importer.run("wordpress", WXR_12, with_pingbacks=True)
    assert (summary.comments, summary.skipped, summary.replies) == (24, 0, 12)
    c = by_comment_id(importer)
    assert c["21"].parent_id == c["16"].id


def test_a_second_import_adds_nothing(importer: Importer) -> None:
    importer.run("wordpress", WXR_12)
    again = importer.run("wordpress", WXR_12)
    assert (again.comments, again.threads, again.skipped) == (0, 0, 24)
    assert importer.count() == 22


def test_a_dry_run_counts_everything_and_writes_nothing(importer: Importer) -> None:
    summary = importer.run("wordpress", WXR_12, dry_run=True)
    assert summary.as_dict() == EXPECTED_12
    assert importer.count() == 0
    assert importer.count(t.threads) == 0
    assert importer.count(t.sites, t.sites.c.name == "journal") == 0


def test_urls_are_rewritten(importer: Importer) -> None:
    mapping = (
        ("https://journal.exemple/?p=1", "/2012/03/bonjour"),
        ("https://journal.exemple/", "https://www.journal.exemple/"),
    )
    importer.run("wordpress", WXR_12, map_url=mapping)
    uris = {row.uri for row in importer.comments()}
    assert uris == {"/2012/03/bonjour", "https://www.journal.exemple/2012/06/marhaba/"}


def test_wxr_1_0_reads_the_same_way(importer: Importer) -> None:
    summary = importer.run("wordpress", WXR_10)
    assert (summary.threads, summary.comments, summary.replies) == (1, 3, 1)
    assert (summary.approved, summary.pending) == (2, 1)


# -- malformed and hostile files: one line naming file, line and reason; nothing imported ---

GOOD = WXR_12.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _variants() -> list[tuple[str, str, int, str]]:
    bad_date = GOOD.replace("2012-03-04 09:10:00", "2012-13-45 09:10:00", 1)
    unquoted = GOOD.replace('<category domain="category"', "<category domain=category", 1)
    flag = GOOD.replace("<wp:comment_parent>999<", "<wp:comment_parent>abc<", 1)
    return [
        ("stray", "oops" + GOOD, 1, "malformed XML"),
        ("unclosed", GOOD.replace("</rss>", ""), GOOD.count("\n") + 1, "malformed XML"),
        ("bad-date", bad_date, _line_of(bad_date, "2012-13-45"), "bad date '2012-13-45 09:10:00'"),
        ("unquoted", unquoted, _line_of(unquoted, "domain=category"), "malformed XML"),
        ("parent", flag, _line_of(flag, ">abc<"), "wp:comment_parent 'abc' is not a number"),
    ]


@pytest.mark.parametrize(("name", "text", "line", "reason"), _variants(), ids=lambda v: str(v)[:9])
def test_a_malformed_file_names_its_line_and_imports_nothing(
    importer: Importer, tmp_path: Path, name: str, text: str, line: int, reason: str
) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        importer.run("wordpress", path)
    assert failure.value.file == str(path)
    assert reason in failure.value.reason
    assert failure.value.line == line
    assert importer.count() == 0 and importer.count(t.threads) == 0


HOSTILE = {
    "billion-laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<rss><channel>&b;</channel></rss>'
    ),
    "external-entity": (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<rss><channel><item><title>&x;</title></item></channel></rss>"
    ),
    "external-dtd": '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">\n<rss/>',
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_before_anything_is_expanded(
    importer: Importer, tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        importer.run("wordpress", path)
    assert failure.value.line == 2 and "refused" in failure.value.reason
    assert importer.count() == 0
