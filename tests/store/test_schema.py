"""schema.py alone describes the whole database (what Alembic's autogenerate compares)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from causerie.store.database import create_database_engine


def test_schema_alone_names_every_migrated_table(sqlite_url: str) -> None:
    # A fresh interpreter: importing other store modules must not be needed to see a table.
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from causerie.store.schema import metadata; print(' '.join(sorted(metadata.tables)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    engine = create_database_engine(sqlite_url)
    try:
        migrated = set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    assert len(migrated) > 10
    assert set(listed) == migrated
