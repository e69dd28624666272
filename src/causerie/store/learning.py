"""The learning log of the spam filter and the toxicity model, kept in the comment database.

Every trusted decision is one row of ``spam_learning`` (spam / not spam, or
offensive / not offensive), tagged with the model it teaches (``model``:
``"spam"`` or ``"toxicity"``); every server process replays the rows of its
model it has not seen, so all processes learn the same thing and a restart
loses nothing. One table for both models: erasure and a reader's data export
reach every lesson through it.
"""

from __future__ import annotations

import dataclasses
import json
import time

from sqlalchemy import Engine, insert, select

from causerie.spam.state import LearnedExample
from causerie.spam.verdict import CommentSample
from causerie.store.database import write_transaction
from causerie.store.schema import spam_learning

_SAMPLE_FIELDS = {f.name for f in dataclasses.fields(CommentSample)}


class SqlLearningLog:
    """:class:`causerie.spam.state.LearningLog` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, model: str = "spam") -> None:
        self.engine = engine
        self.model = model

    def append(self, site: str, is_spam: bool, sample: CommentSample, source: str) -> int:
        """Record one decision and return its id."""
        data = dataclasses.asdict(sample)
        data["site_languages"] = list(sample.site_languages)
        with write_transaction(self.engine) as conn:
            return int(
                conn.execute(
                    insert(spam_learning)
                    .values(
                        site=site,
                        model=self.model,
                        is_spam=is_spam,
                        sample=json.dumps(data, ensure_ascii=False),
                        source=source,
                        created=time.time(),
                    )
                    .returning(spam_learning.c.id)
                ).scalar_one()
            )

    def since(self, after_id: int, limit: int = 1000) -> list[LearnedExample]:
        """Decisions with an id above ``after_id``, oldest first."""
        query = (
            select(spam_learning)
            .where(spam_learning.c.id > after_id, spam_learning.c.model == self.model)
            .order_by(spam_learning.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            LearnedExample(
                id=row.id,
                site=row.site,
                is_spam=bool(row.is_spam),
                sample=_sample(json.loads(row.sample)),
                source=row.source,
                created=row.created,
            )
            for row in rows
        ]


def _sample(data: dict[str, object]) -> CommentSample:
    known = {k: v for k, v in data.items() if k in _SAMPLE_FIELDS}
    if isinstance(known.get("site_languages"), list):
        known["site_languages"] = tuple(known["site_languages"])  # type: ignore[arg-type]
    return CommentSample(**known)  # type: ignore[arg-type]
