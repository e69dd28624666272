"""Dates as export files write them → UNIX seconds (UTC), or a ValueError naming the value."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Before this, a "date" is a placeholder or a mistake (WordPress writes 0000-00-00).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC).timestamp()
MYSQL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")


def iso(value: str) -> float:
    """``2012-03-04T05:06:07Z`` (or with an offset, or fractions) → seconds; naive = UTC."""
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"bad date {value.strip()!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _checked(moment.timestamp(), value)


def mysql(value: str) -> float | None:
    """WordPress's ``2012-03-04 05:06:07`` read as UTC; None for its ``0000-00-00 00:00:00``."""
    text = value.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    parts = MYSQL.fullmatch(text)
    try:
        if parts is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = map(int, parts.groups())
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise ValueError(f"bad date {text!r}") from None
    return _checked(moment.timestamp(), value)


def _checked(seconds: float, value: str) -> float:
    if seconds < EARLIEST:
        raise ValueError(f"bad date {value.strip()!r} (before 1990)")
    return seconds
