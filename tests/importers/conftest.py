"""Importing real files into a real database (SQLite, then PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from causerie.importers import reader
from causerie.importers.writer import ImportOptions, ImportService, ImportSummary
from causerie.store import schema as t
from causerie.store.database import create_database_engine
from causerie.store.imports import SqlImportStore

FIXTURES = Path(__file__).with_name("fixtures")
SECRET = "import-test-secret"


@dataclass
class Importer:
    """Runs imports on one database and answers questions about what it holds."""

    engine: Engine
    store: SqlImportStore
    service: ImportService

    def run(self, format: str, path: Path, site: str = "journal", **options: Any) -> ImportSummary:
        """Import a file as the command does."""
        items = reader(format)(path, str(path))
        return self.service.run(ImportOptions(site, format, **options), items)

    def count(self, table: Any = t.comments, *where: Any) -> int:
        """Rows of a table (matching ``where``)."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    def comments(self) -> list[Any]:
        """Every comment with its source id and thread URI, in source order of insertion."""
        query = (
            select(t.comments, t.import_sources.c.source_id, t.threads.c.uri)
            .join(t.import_sources, t.import_sources.c.comment_id == t.comments.c.id)
            .join(t.threads, t.threads.c.id == t.comments.c.thread_id)
            .order_by(t.comments.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    def by_source(self) -> dict[str, Any]:
        """Comments by their source id."""
        return {row.source_id: row for row in self.comments()}


@pytest.fixture
def importer(database_url: str) -> Iterator[Importer]:
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    store = SqlImportStore(engine)
    yield Importer(engine, store, ImportService(store, SECRET))
    engine.dispose()


def counts(summary: ImportSummary) -> dict[str, int | str]:
    """The summary's JSON line as a dict."""
    return summary.as_dict()
