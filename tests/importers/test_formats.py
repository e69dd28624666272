"""Disqus, Isso, Remark42 and Commento files imported with the counts each file holds."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from causerie.importers.records import ImportFailure
from tests.importers.conftest import FIXTURES, Importer


def _summary(importer: Importer, format: str, path: Path) -> dict[str, int | str]:
    data = importer.run(format, path).as_dict()
    return {k: v for k, v in data.items() if k != "format"}


def test_an_old_disqus_export_keeps_emails_and_hashes_addresses(importer: Importer) -> None:
    summary = _summary(importer, "disqus", FIXTURES / "disqus-2013.xml")
    assert summary == {
        "threads": 2,  # the thread without posts is not created
        "comments": 6,
        "approved": 4,
        "pending": 0,
        "spam": 1,
        "deleted": 1,
        "replies": 2,
        "skipped": 0,
        "warnings": 0,
        "errors": 0,
    }
    c = importer.by_source()
    assert c["5001"].email == "lea@exemple.fr" and c["5001"].ip_prefix == "203.0.113.0/24"
    assert c["5003"].parent_id == c["5002"].id and c["5003"].root_id == c["5001"].id
    assert c["5003"].author == "Invité"  # an anonymous guest keeps the name given
    assert c["5006"].ip_prefix == "2001:db8::/48"


def test_a_recent_disqus_export_without_emails_or_addresses(importer: Importer) -> None:
    summary = _summary(importer, "disqus", FIXTURES / "disqus-2024.xml")
    assert (summary["threads"], summary["comments"], summary["replies"]) == (2, 7, 1)
    assert (summary["approved"], summary["spam"], summary["deleted"]) == (4, 2, 1)
    c = importer.by_source()
    assert all(row.email is None and row.ip_hash is None for row in c.values())
    assert c["6004"].parent_id == c["6001"].id  # the reply came first in the file
    assert c["6006"].parent_id is None  # its parent is on another thread: top-level
    assert summary["warnings"] == 1
    assert "<strong>شكرا</strong>" in c["6001"].html


def test_a_malformed_disqus_export_fails_on_its_line(importer: Importer) -> None:
    with pytest.raises(ImportFailure) as failure:
        importer.run("disqus", FIXTURES / "disqus-malformed.xml")
    assert failure.value.line == 85
    assert failure.value.reason == "<isSpam> is 'yes', not true or false"
    assert importer.count() == 0


ISSO = FIXTURES / "isso-0.14.db"


def _isso_at(version: int, tmp_path: Path) -> Path:
    """The Isso fixture as an older Isso left it (version 3 had no notification column)."""
    path = tmp_path / f"isso-v{version}.db"
    shutil.copyfile(ISSO, path)
    with sqlite3.connect(path) as db:
        if version == 3:
            db.execute("ALTER TABLE comments DROP COLUMN notification")
        db.execute(f"PRAGMA user_version = {version}")
    return path


@pytest.mark.parametrize("version", [3, 4, 5])
def test_an_isso_database_of_each_schema_version(
    importer: Importer, tmp_path: Path, version: int
) -> None:
    path = ISSO if version == 5 else _isso_at(version, tmp_path)
    summary = _summary(importer, "isso", path)
    assert summary == {
        "threads": 2,
        "comments": 8,
        "approved": 6,
        "pending": 1,
        "spam": 0,
        "deleted": 1,
        "replies": 4,
        "skipped": 0,
        "warnings": 0,
        "errors": 0,
    }
    c = importer.by_source()
    assert (c["7"].likes, c["7"].dislikes) == (3, 1)
    assert c["1"].html == "<p>Bravo pour la <em>rénovation</em> !</p>"
    assert c["5"].state.value == "deleted" and c["6"].parent_id == c["5"].id


def test_an_isso_database_of_an_unknown_version_is_refused(
    importer: Importer, tmp_path: Path
) -> None:
    path = _isso_at(2, tmp_path)
    with pytest.raises(ImportFailure, match="schema version 2"):
        importer.run("isso", path)


def test_isso_generic_json(importer: Importer, tmp_path: Path) -> None:
    path = tmp_path / "isso.json"
    threads = [
        {
            "id": "/2015/ete/",
            "title": "L'été",
            "comments": [
                {
                    "id": 1,
                    "author": "Ana",
                    "email": "ana@exemple.fr",
                    "website": "",
                    "remote_addr": "192.0.2.0",
                    "created": "2015-07-01 10:00:00",
                    "text": "Il fait *chaud*.",
                },
                {
                    "id": 2,
                    "author": "Bo",
                    "email": "",
                    "website": "",
                    "remote_addr": "",
                    "created": "2015-07-01 11:00:00",
                    "text": "Oui.",
                },
            ],
        }
    ]
    path.write_text(json.dumps(threads, indent=1), encoding="utf-8")
    summary = _summary(importer, "isso", path)
    assert (summary["threads"], summary["comments"], summary["approved"]) == (1, 2, 2)
    threads[0]["comments"][1]["created"] = "yesterday"  # type: ignore[index]
    path.write_text(json.dumps(threads, indent=1), encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        importer.run("isso", path, site="other")
    assert failure.value.line == 15 and "bad date 'yesterday'" in failure.value.reason


def test_a_remark42_backup(importer: Importer) -> None:
    summary = _summary(importer, "remark42", FIXTURES / "remark42-backup.json")
    assert (summary["threads"], summary["comments"], summary["replies"]) == (2, 5, 2)
    assert (summary["approved"], summary["deleted"]) == (4, 1)
    c = importer.by_source()
    assert c["a1b2-0003"].root_id == c["a1b2-0001"].id
    assert (c["a1b2-0001"].likes, c["a1b2-0002"].dislikes) == (3, 1)
    assert c["a1b2-0003"].html == "<p>Avec des <em>gants</em>.</p>"  # no markdown: the HTML
    # Offsets and nanoseconds as Go writes them: 06:00+01:00 is 05:00Z, 367 s before 05:06:07Z.
    assert c["a1b2-0002"].created == c["a1b2-0001"].created - 367
    assert c["a1b2-0003"].created == pytest.approx(c["a1b2-0001"].created + 6833.123456)
    assert all(row.ip_hash is None for row in c.values())  # Remark42 has only a hash


def test_a_remark42_line_that_is_not_json_fails_on_that_line(
    importer: Importer, tmp_path: Path
) -> None:
    lines = (FIXTURES / "remark42-backup.json").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:40]
    path = tmp_path / "broken.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        importer.run("remark42", path)
    assert failure.value.line == 4
    assert importer.count() == 0


def test_a_commento_export(importer: Importer) -> None:
    summary = _summary(importer, "commento", FIXTURES / "commento-export.json")
    assert summary == {
        "threads": 2,
        "comments": 5,
        "approved": 2,
        "pending": 1,
        "spam": 1,
        "deleted": 1,
        "replies": 2,
        "skipped": 0,
        "warnings": 0,
        "errors": 0,
    }
    c = importer.by_source()
    assert c["c001"].email == "marie@exemple.fr" and c["c001"].website == "https://marie.exemple.fr"
    assert c["c002"].author == "" and c["c002"].parent_id == c["c001"].id
    assert c["c005"].author == "كريم" and c["c005"].website is None


def test_an_escaped_lone_surrogate_fails_on_its_line(importer: Importer, tmp_path: Path) -> None:
    text = (FIXTURES / "commento-export.json").read_text(encoding="utf-8")
    path = tmp_path / "surrogate.json"
    path.write_text(text.replace("Je l'ai lu aussi.", "Je l'ai lu \\ud800 aussi.", 1), "utf-8")
    line = text[: text.index("Je l'ai lu aussi.")].count("\n") + 1
    with pytest.raises(ImportFailure) as failure:
        importer.run("commento", path)
    assert (failure.value.line, failure.value.reason) == (
        line,
        "an escaped lone surrogate is not text",
    )
    assert importer.count() == 0
