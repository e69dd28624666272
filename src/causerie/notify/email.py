"""E-mail through the operator's SMTP server, with the standard library only.

Nothing here decides *what* to send (see ``causerie.core.notifications``):
this module turns a :class:`Mail` into a MIME message and hands it to SMTP.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from causerie.config import Settings

SMTP_TIMEOUT = 20.0
IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one reader."""

    to: str
    subject: str
    text: str
    lang: str = "en"
    headers: Mapping[str, str] = field(default_factory=dict)


def sender_address(settings: Settings) -> str:
    """The From address: ``smtp_from``, else noreply@ the public host."""
    if settings.smtp_from:
        return settings.smtp_from
    host = urlsplit(settings.public_url).hostname or settings.smtp_host or "localhost"
    return f"noreply@{host}"


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message for a mail (UTF-8 text, language header, extra headers)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    # Mark it as machine-sent so that mail servers do not answer with vacation replies.
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(mail.text, charset="utf-8")
    # After set_content, which clears every Content-* header set before it.
    msg["Content-Language"] = mail.lang
    return msg


class SmtpMailer:
    """Sends mails through the SMTP server named in the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sender = sender_address(settings)

    @property
    def enabled(self) -> bool:
        """True when an SMTP host is configured."""
        return bool(self.settings.smtp_host)

    def send(self, mail: Mail) -> None:
        """Deliver one mail; raises ``OSError``/``smtplib.SMTPException`` on failure."""
        s = self.settings
        message = build_message(mail, self.sender)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_port == IMPLICIT_TLS_PORT:
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
        with smtp:
            if s.smtp_starttls and s.smtp_port != IMPLICIT_TLS_PORT:
                smtp.starttls(context=context)
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(message)
