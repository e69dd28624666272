"""docs/privacy.md accounts for every column of the real, migrated schema.

A column holding a reader's data must appear in the data inventory; any other
column in the "no personal data" table. A new column in neither fails here,
and so does a documented column that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect

from causerie.store.database import create_database_engine

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _columns(section: str) -> set[tuple[str, str]]:
    """(table, column) pairs named in backticks in the first two cells of a Markdown table."""
    found = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"[a-z_]+", cells[0]) or cells[0] == "table":
            continue
        named = cells[1]
        while re.search(r"\([^()]*\)", named):  # explanations in brackets name no column
            named = re.sub(r"\([^()]*\)", "", named)
        found |= {(cells[0], column) for column in re.findall(r"`([a-z_]+)`", named)}
    return found


def _documented() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    text = DOC.read_text(encoding="utf-8")
    return (
        _columns(_section(text, "Data inventory")),
        _columns(_section(text, "Columns with no personal data")),
    )


def test_every_column_is_in_the_inventory_or_marked_non_personal(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        schema = inspect(engine)
        real = {
            (table, column["name"])
            for table in schema.get_table_names()
            for column in schema.get_columns(table)
        }
    finally:
        engine.dispose()
    personal, other = _documented()
    assert not personal & other, f"both personal and not: {sorted(personal & other)}"
    assert sorted(real - personal - other) == [], "columns missing from docs/privacy.md"
    assert sorted((personal | other) - real) == [], "docs/privacy.md names unknown columns"


def test_the_parser_sees_the_personal_columns_that_matter() -> None:
    personal, other = _documented()
    for pair in [
        ("comments", "email"),
        ("comments", "text"),
        ("audit_log", "detail"),
        ("blocks", "value"),
        ("spam_learning", "sample"),
        ("subscriptions", "author_key"),
    ]:
        assert pair in personal
    assert ("comments", "likes") in other and len(personal) > 30
