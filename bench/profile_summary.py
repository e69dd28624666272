"""Where a server process's interpreter time goes, from a py-spy profile in raw (collapsed) form.

    py-spy record --pid PID --gil --format raw -o post.raw --duration 20
    .venv/bin/python bench/profile_summary.py post.raw

Each sample (a stack) is charged to the innermost frame that belongs to one
of the parts below, so numpy called by the spam filter counts as the filter,
and SQLAlchemy called by the group-commit writer thread as that writer.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

PARTS = [
    ("spam verdict", r"causerie/spam/"),
    ("markdown + sanitizer", r"markdown_it/|nh3|causerie/core/markup"),
    ("reader-name check", r"causerie/core/readers|causerie/core/confusables"),
    ("SQL (SQLAlchemy, sqlite3, psycopg)", r"sqlalchemy/|sqlite3|psycopg|causerie/store/"),
    ("validation (pydantic, URLs)", r"pydantic|causerie/core/validation|ada_url"),
    ("hashing, tokens", r"causerie/core/identity|hashlib|hmac"),
    ("JSON", r"orjson|json/"),
    ("Redis (rate limits, fan-out)", r"redis/|causerie/api/fanout|causerie/core/ratelimit"),
    ("thread hand-offs (queues, locks, anyio)", r"threading\.py|queue\.py|anyio/"),
    (
        "HTTP stack (uvicorn, starlette, fastapi)",
        r"starlette/|fastapi/|uvicorn/|asyncio/|httptools",
    ),
    ("Causerie middleware and handlers", r"causerie/api/"),
    ("domain rules (core/)", r"causerie/core/"),
]
WRITER = "GroupCommit._loop"


def part_of(frames: list[str]) -> str:
    """The part a stack is charged to."""
    for frame in reversed(frames):
        for name, pattern in PARTS:
            if re.search(pattern, frame):
                if name.startswith("SQL") and any(WRITER in f for f in frames):
                    return "SQL: the group-commit writer thread"
                return name
    return "other"


def summarise(path: Path) -> dict[str, float]:
    """Share of samples per part, largest first."""
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            counts[part_of(stack.split(";")[1:])] += int(n)
    total = sum(counts.values()) or 1
    return {name: round(n / total, 3) for name, n in counts.most_common()}


if __name__ == "__main__":
    for name, share in summarise(Path(sys.argv[1])).items():
        print(f"{share:6.1%}  {name}")
