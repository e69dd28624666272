"""Fixtures for the notification tests: the real SMTP server of the privacy tests."""

from __future__ import annotations

from tests.privacy.conftest import mailbox  # noqa: F401  (the aiosmtpd fixture, shared)
