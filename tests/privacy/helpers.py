"""Small helpers shared by the privacy tests."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, insert, select
from starlette.testclient import TestClient

from causerie.core.privacy import PrivacyService
from causerie.store.schema import spam_learning


def post(client: TestClient, **fields: Any) -> dict[str, Any]:
    """Post a comment and return the API's answer (asserting a 201)."""
    body = {"uri": "/2026/tram", "text": "Bonne analyse du tramway.", "author": "Samira"}
    body.update(fields)
    response = client.post("/api/comments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def service(client: TestClient) -> PrivacyService:
    """The app's privacy service."""
    found: PrivacyService = client.app.state.runtime.privacy  # type: ignore[attr-defined]
    return found


def engine(client: TestClient) -> Engine:
    """The app's database engine."""
    found: Engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    return found


def learn(db: Engine, site: str, sample: dict[str, Any], created: float | None = None) -> int:
    """Add one row to the spam filter's learning log."""
    with db.begin() as conn:
        return int(
            conn.execute(
                insert(spam_learning)
                .values(
                    site=site,
                    is_spam=False,
                    sample=json.dumps(sample, ensure_ascii=False),
                    source="moderator",
                    created=time.time() if created is None else created,
                )
                .returning(spam_learning.c.id)
            ).scalar_one()
        )


def dump_database(db: Engine) -> str:
    """Every row of every table as text, lower-cased (to look for leftovers)."""
    meta = MetaData()
    meta.reflect(db)
    lines = []
    with db.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)}")
    return "\n".join(lines).lower()


def sqlite_bytes(db: Engine) -> bytes:
    """The SQLite file with its WAL and shared-memory files, as raw bytes."""
    path = Path(str(db.url.database))
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )
