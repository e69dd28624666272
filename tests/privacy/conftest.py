"""Fixtures for the privacy tests: a real SMTP server (aiosmtpd) that keeps what it gets."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port


@dataclass
class Mailbox:
    """Messages received by the test SMTP server, parsed."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: keep the message."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} mails, expected {count}"
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to one address."""
        return [m for m in self.messages if m["To"] == address]

    def settings(self) -> dict[str, Any]:
        """Settings overrides that send mail here."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_starttls": False}


def body_of(message: EmailMessage) -> str:
    """The plain-text body of a message."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The token of the first link to ``path`` in a message."""
    found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_.\-]+)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A running SMTP server on a free loopback port."""
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()
