"""What real exports carry and a first import meets: quirks, a wrong FORMAT, json/native, WXR dates.

Each quirk has a fixture written for the project in the shape real exports
have (``disqus-quirks.xml``, ``wordpress-quirks.xml``).
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from causerie.cli import main
from causerie.importers import wordpress
from causerie.importers.detect import looks_like
from causerie.store import schema as t
from tests.importers.conftest import FIXTURES, Importer

WXR = FIXTURES / "wordpress-1.2.xml"
EXPORTS = {
    "wordpress": WXR,
    "disqus": FIXTURES / "disqus-2024.xml",
    "isso": FIXTURES / "isso-0.14.db",
    "remark42": FIXTURES / "remark42-backup.json",
    "commento": FIXTURES / "commento-export.json",
}


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# -- quirks ------------------------------------------------------------------------


def test_a_disqus_thread_without_id_date_or_link_costs_only_its_own_comments(
    importer: Importer,
) -> None:
    summary = importer.run("disqus", FIXTURES / "disqus-quirks.xml")
    assert (summary.comments, summary.skipped, summary.replies) == (3, 1, 1)
    assert summary.warnings == 1 and "'3002'" in summary.messages[0]
    c = importer.by_source()
    assert set(c) == {"6001", "6003", "6004"}
    # A thread without a date is as old as its first comment, not as the import.
    with importer.engine.connect() as conn:
        created = conn.scalar(
            t.threads.select()
            .with_only_columns(t.threads.c.created)
            .where(t.threads.c.uri == "https://lejournal.exemple/2019/06/festival/")
        )
    assert created == _stamp("2019-06-10T18:30:00")


def test_a_comment_that_is_only_a_video_keeps_the_video_as_a_link(importer: Importer) -> None:
    summary = importer.run("wordpress", FIXTURES / "wordpress-quirks.xml")
    assert summary.skipped == 0 and summary.warnings == 0
    c = importer.by_source()
    flash, frame = c["10:1"], c["10:2"]
    assert flash.text == "http://www.youtube.com/v/Jq6aXz9Y3bI&hl=fr&fs=1"
    assert '<a href="http://www.youtube.com/v/Jq6aXz9Y3bI&amp;hl=fr&amp;fs=1"' in flash.html
    assert frame.text == "https://www.youtube.com/embed/Jq6aXz9Y3bI"
    for tag in ("<object", "<embed", "<iframe", "<param"):
        assert tag not in flash.html + frame.html


def test_two_sites_merged_repeat_comment_ids_under_other_posts(importer: Importer) -> None:
    summary = importer.run("wordpress", FIXTURES / "wordpress-quirks.xml")
    assert (summary.comments, summary.replies) == (4, 2)
    c = importer.by_source()
    assert c["20:1"].author == "Hind" and c["10:1"].author == "Yacine"
    # Each reply under its own post's comment 1.
    assert c["20:2"].parent_id == c["20:1"].id and c["10:2"].parent_id == c["10:1"].id
    assert c["20:2"].thread_id == c["20:1"].thread_id != c["10:1"].thread_id
    again = importer.run("wordpress", FIXTURES / "wordpress-quirks.xml")
    assert again.comments == 0, "still idempotent"


# -- a wrong FORMAT ----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXPORTS), ids=str)
def test_each_fixture_looks_like_its_own_format(path: str) -> None:
    assert looks_like(EXPORTS[path]) == path


def test_a_native_export_and_unknown_files_are_told_apart(tmp_path: Path) -> None:
    native = tmp_path / "site.json"
    native.write_text('{"causerie": 1, "site": {"name": "journal"}, "threads": []}\n')
    assert looks_like(native) == "native"
    for name, text in (("notes.txt", "hello"), ("feed.xml", "<rss><channel/></rss>")):
        (tmp_path / name).write_text(text)
        assert looks_like(tmp_path / name) is None


def _cli(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {"CAUSERIE_DATABASE_URL": database_url, "CAUSERIE_SPAM_FILTER": "false"}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("asked", ["disqus", "isso", "commento", "remark42", "native", "json"])
def test_a_wordpress_file_imported_as_another_format_says_what_it_looks_like(
    sqlite_url: str, asked: str
) -> None:
    code, out, err = _cli(sqlite_url, "import", asked, str(WXR), "--site", "journal")
    assert code == 1
    assert err.splitlines() == [
        f"causerie: {WXR}:1: this looks like a WordPress WXR export, not "
        + {
            "disqus": "a Disqus XML export",
            "isso": "an Isso database or JSON export",
            "commento": "a Commento export",
            "remark42": "a Remark42 backup",
            "native": "a Causerie JSON export",
            "json": "a Causerie JSON export",
        }[asked]
        + ": use `causerie import wordpress`"
    ]
    assert json.loads(out.splitlines()[-1])["errors"] == 1


def test_a_file_in_which_nothing_matches_the_format_fails(sqlite_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel><item/></channel></rss>\n')
    code, out, err = _cli(sqlite_url, "import", "disqus", str(feed), "--site", "journal")
    assert code == 1
    assert err.strip() == f"causerie: {feed}:1: nothing in this file is a Disqus XML export"
    assert json.loads(out.splitlines()[-1])["comments"] == 0


def test_an_export_without_comments_of_the_right_format_is_fine(
    sqlite_url: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text(re.sub(r"<item>.*</item>", "", WXR.read_text(), flags=re.S))
    code, out, _ = _cli(sqlite_url, "import", "wordpress", str(empty), "--site", "journal")
    assert code == 0 and json.loads(out.splitlines()[-1])["comments"] == 0


def test_json_and_native_name_the_same_format_both_ways(sqlite_url: str, tmp_path: Path) -> None:
    assert _cli(sqlite_url, "import", "wordpress", str(WXR), "--site", "journal")[0] == 0
    for written_as, read_as in (("json", "native"), ("native", "json")):
        path = tmp_path / f"{written_as}.json"
        args = ("export", "--site", "journal", "--format", written_as, "-o", str(path))
        assert _cli(sqlite_url, *args)[0] == 0
        code, out, err = _cli(sqlite_url, "import", read_as, str(path), "--site", read_as)
        assert code == 0, err
        summary = json.loads(out.splitlines()[-1])
        assert (summary["format"], summary["comments"]) == ("native", 22)


# -- the WXR export ----------------------------------------------------------------


def _wxr(importer: Importer, zone: str = "Europe/Paris", site: str = "journal") -> str:
    out = io.StringIO()
    wordpress.write(importer.store, site, out, ZoneInfo(zone))
    return out.getvalue()


def test_the_wxr_export_writes_local_and_gmt_dates_and_the_articles_date(
    importer: Importer,
) -> None:
    importer.run("wordpress", WXR)
    text = _wxr(importer)
    first = text.split("<wp:comment>", 2)[1]
    # 09:00 GMT on 4 March 2012 is 10:00 in Paris, as the original export said.
    assert "<wp:comment_date>2012-03-04 10:00:00</wp:comment_date>" in first
    assert "<wp:comment_date_gmt>2012-03-04 09:00:00</wp:comment_date_gmt>" in first
    assert "<wp:post_date_gmt>2012-03-04 08:00:00</wp:post_date_gmt>" in text
    assert "<wp:post_date>2012-03-04 09:00:00</wp:post_date>" in text

    # A thread an older import dated at its own time: the post is as old as its first comment.
    with importer.engine.begin() as conn:
        conn.execute(update(t.threads).values(created=_stamp("2024-01-01T00:00:00")))
    text = _wxr(importer, "UTC")
    assert "2024-01-01" not in text
    assert "<wp:post_date_gmt>2012-03-04 09:00:00</wp:post_date_gmt>" in text


def test_the_wxr_channel_is_the_sites_title_never_its_internal_name(importer: Importer) -> None:
    importer.run("wordpress", WXR)
    importer.run("wordpress", WXR, site="atlas")
    with importer.engine.begin() as conn:
        conn.execute(update(t.sites).where(t.sites.c.name == "atlas").values(title="L’Atlas"))
    assert "<channel>\n<title></title>" in _wxr(importer), "no title given: none invented"
    assert "<channel>\n<title>L’Atlas</title>" in _wxr(importer, site="atlas")


def test_the_export_command_takes_a_time_zone(sqlite_url: str, tmp_path: Path) -> None:
    assert _cli(sqlite_url, "import", "wordpress", str(WXR), "--site", "journal")[0] == 0
    out = tmp_path / "back.xml"
    args = ("export", "--site", "journal", "--format", "wxr", "-o", str(out))
    assert _cli(sqlite_url, *args, "--timezone", "Africa/Casablanca")[0] == 0
    # Casablanca was at UTC+0 in March 2012.
    assert "<wp:comment_date>2012-03-04 09:00:00</wp:comment_date>" in out.read_text()
    code, _, err = _cli(sqlite_url, *args, "--timezone", "Mars/Olympus")
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err
