"""Leaving with everything: JSON export → import → export is the same document; WXR goes back."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from causerie.cli import main
from causerie.importers import native, wordpress
from causerie.importers.records import ImportFailure
from causerie.importers.writer import ImportOptions, ImportService, parse_mapping
from causerie.store import schema as t
from causerie.store.database import create_database_engine, upgrade
from causerie.store.imports import SqlImportStore
from tests.importers.conftest import FIXTURES, Importer

WXR = FIXTURES / "wordpress-1.2.xml"


def _export(store: SqlImportStore, site: str = "journal", **options: Any) -> dict[str, Any]:
    out = io.StringIO()
    native.write(store, site, out, **options)
    return json.loads(out.getvalue())


def _without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """The document with comment ids replaced by their place in it (ids are per database)."""
    places: dict[int, str] = {}
    for t_index, thread in enumerate(document["threads"]):
        for c_index, comment in enumerate(thread["comments"]):
            places[comment["id"]] = f"{t_index}.{c_index}"
    for thread in document["threads"]:
        for comment in thread["comments"]:
            comment["id"] = places[comment["id"]]
            comment["parent"] = places.get(comment["parent"]) if comment["parent"] else None
    return document


def _enrich(importer: Importer) -> None:
    """What an imported site lacks to exercise every field: votes, pins, blocks, learning."""
    with importer.engine.begin() as conn:
        site_id = conn.scalar(t.sites.select().with_only_columns(t.sites.c.id))
        conn.execute(
            t.comments.update().where(t.comments.c.id == 1).values(likes=4, dislikes=1, pinned=True)
        )
        conn.execute(t.sites.update().values(title="Le Journal", settings='{"moderation": "all"}'))
        conn.execute(
            insert(t.blocks).values(
                site_id=site_id,
                kind="email",
                value="spam@spam.example",
                note="récidive",
                created=1_700_000_000.0,
                expires=None,
                created_by="admin@journal.exemple",
            )
        )
        conn.execute(
            insert(t.spam_learning).values(
                site="journal",
                is_spam=True,
                sample='{"content": "cheap watches", "site": "journal"}',
                source="moderator",
                created=1_700_000_100.0,
            )
        )


def test_json_export_import_export_gives_the_same_document(
    importer: Importer, database_url: str, tmp_path: Path
) -> None:
    importer.run("wordpress", WXR)
    _enrich(importer)
    first = _export(importer.store, learning=True)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")

    other = create_database_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        upgrade(other)
        store = SqlImportStore(other)
        service = ImportService(store, "another-secret")
        summary = service.run(ImportOptions("journal", "native"), native.read(path))
        assert (summary.comments, summary.threads, summary.replies) == (22, 2, 11)
        second = _export(store, learning=True)
        again = service.run(ImportOptions("journal", "native"), native.read(path))
        assert again.comments == 0 and again.skipped == 22
        assert _export(store, learning=True) == second  # blocks and learning not doubled
    finally:
        other.dispose()
    assert second["blocks"] and second["learning"] and second["site"]["title"] == "Le Journal"
    assert _without_ids(second) == _without_ids(first)


def test_the_json_round_trip_lands_in_postgresql_too(importer: Importer, tmp_path: Path) -> None:
    """Import the SQLite-made export into the parametrised database (PostgreSQL included)."""
    source = tmp_path / "source.db"
    engine = create_database_engine(f"sqlite:///{source}")
    upgrade(engine)
    sqlite_store = SqlImportStore(engine)
    ImportService(sqlite_store, "s").run(
        ImportOptions("journal", "wordpress"), wordpress.read(WXR, None)
    )
    first = _export(sqlite_store)
    engine.dispose()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    importer.run("native", path)
    assert _without_ids(_export(importer.store)) == _without_ids(first)


def test_a_wxr_export_imports_back_with_the_same_threads_and_comments(
    importer: Importer, tmp_path: Path
) -> None:
    importer.run("wordpress", WXR)
    out = io.StringIO()
    assert wordpress.write(importer.store, "journal", out) == 22
    path = tmp_path / "back.xml"
    path.write_text(out.getvalue(), encoding="utf-8")
    summary = importer.run("wordpress", path, site="back")
    assert (summary.threads, summary.comments, summary.replies) == (2, 22, 11)

    def shape(site: str) -> list[tuple[Any, ...]]:
        document = _without_ids(_export(importer.store, site))
        return [
            (th["uri"], th["title"], th["closed"], c["parent"], c["state"], c["author"], c["html"])
            for th in document["threads"]
            for c in th["comments"]
        ]

    assert shape("back") == shape("journal")


def test_the_command_line_prints_the_summary_last(database_url: str, tmp_path: Path) -> None:
    env = {"CAUSERIE_DATABASE_URL": database_url, "CAUSERIE_SPAM_FILTER": "false"}
    runner = CliRunner()
    result = runner.invoke(
        main, ["import", "wordpress", str(WXR), "--site", "journal", "--dry-run"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert json.loads(result.output.splitlines()[-1])["comments"] == 22
    result = runner.invoke(main, ["import", "wordpress", str(WXR), "--site", "journal"], env=env)
    assert json.loads(result.output.splitlines()[-1])["comments"] == 22
    result = runner.invoke(main, ["import", "wordpress", str(WXR), "--site", "journal"], env=env)
    assert json.loads(result.output.splitlines()[-1])["comments"] == 0

    out = tmp_path / "site.json"
    result = runner.invoke(main, ["export", "--site", "journal", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert sum(len(th["comments"]) for th in json.loads(out.read_text())["threads"]) == 22


def test_the_command_line_names_a_malformed_file_and_exits_1(
    database_url: str, tmp_path: Path
) -> None:
    env = {"CAUSERIE_DATABASE_URL": database_url, "CAUSERIE_SPAM_FILTER": "false"}
    path = FIXTURES / "disqus-malformed.xml"
    result = CliRunner().invoke(main, ["import", "disqus", str(path), "--site", "s"], env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"causerie: {path}:85: <isSpam> is 'yes', not true or false"
    assert json.loads(lines[-1])["errors"] == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://old.example/?p=12=/2012/bonjour", ("https://old.example/?p=12", "/2012/bonjour")),
        ("http://old.example=https://new.example", ("http://old.example", "https://new.example")),
    ],
)
def test_map_url_splits_where_the_new_address_starts(value: str, expected: tuple[str, str]) -> None:
    assert parse_mapping(value) == expected


def _lineless(items: Any) -> list[Any]:
    """The records without the lines they were read on (layouts differ, records must not)."""
    return [replace(i, line=0) if hasattr(i, "line") else i for i in items]


def test_an_export_as_written_is_read_a_line_at_a_time_and_as_any_json(
    importer: Importer, tmp_path: Path
) -> None:
    importer.run("wordpress", WXR)
    _enrich(importer)
    written = tmp_path / "written.json"
    with written.open("w", encoding="utf-8") as out:
        native.write(importer.store, "journal", out, learning=True)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(written.read_text()), indent=2), encoding="utf-8")
    assert _lineless(native.read(written)) == _lineless(native.read(pretty))
    assert written.read_text().count("\n") > 4  # one thread per line: the streamed layout

    good = written.read_text(encoding="utf-8").splitlines()
    lines = list(good)
    lines[3] = lines[3].replace('"state":"approved"', '"state":"maybe"', 1)
    broken = tmp_path / "broken.json"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        importer.run("native", broken, site="copy")
    assert failure.value.line == 4 and "state 'maybe'" in failure.value.reason
    assert importer.count(t.comments) == 22  # the copy added nothing

    cut = tmp_path / "cut.json"
    cut.write_text("\n".join(good[:4]) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="not closed"):
        importer.run("native", cut, site="copy")
