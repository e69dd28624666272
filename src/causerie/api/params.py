"""The integer parameters every endpoint shares: ids, offsets, limits.

Each is a bounded integer written with ASCII digits only, checked by
``core.validation`` (the same rule the cached fast path and cursors follow), so
a 20-digit id, ``limit=٥`` or ``offset=⁰⁴⁵`` is a 422 before any query runs,
and the bounds appear in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from causerie.core import validation


def _ascii_digits(value: object) -> object:
    """Let pydantic see only numbers or ASCII digit strings (it would take " +5_0")."""
    if isinstance(value, str) and not validation.DIGITS.fullmatch(value):
        raise PydanticCustomError("int_parsing", "Input should be a whole number in ASCII digits")
    return value


Digits = BeforeValidator(_ascii_digits)
# A row id: comments, threads, blocks.
# The digit check comes last: it wraps the bounded int, whose JSON schema shows the bounds.
Id = Annotated[int, Field(ge=1, le=validation.MAX_ID), Digits]
# How many rows to skip in a listing.
Offset = Annotated[int, Field(ge=0, le=validation.MAX_OFFSET), Digits]
