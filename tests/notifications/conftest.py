"""Notification test fixtures: the SMTP server and admin clients shared, an HTTP receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import free_port
from tests.moderation.conftest import admin_client  # noqa: F401  (shared fixtures)
from tests.notifications.receiver import Receiver, serve
from tests.privacy.conftest import mailbox  # noqa: F401


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on a loopback port, answering from ``receiver.script``."""
    yield from serve(Receiver(free_port()))
