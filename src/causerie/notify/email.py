"""E-mail through the operator's SMTP server, with the standard library only.

Nothing here decides *what* to send: the domain composes a
:class:`~causerie.core.mail.Mail` (``core/notifications.py``, ``core/alerts.py``…);
this module turns it into a MIME message and hands it to SMTP.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from causerie.config import Settings
from causerie.core.delivery import DeliveryFailed
from causerie.core.mail import Mail
from causerie.store.records import DeliveryOutcome, OutboxMessage

SMTP_TIMEOUT = 20.0
IMPLICIT_TLS_PORT = 465


def sender_address(settings: Settings) -> str:
    """The From address: ``smtp_from``, else noreply@ the public host."""
    if settings.smtp_from:
        return settings.smtp_from
    host = urlsplit(settings.public_url).hostname or settings.smtp_host or "localhost"
    return f"noreply@{host}"


def build_message(mail: Mail, sender: str, delivery_id: str = "") -> EmailMessage:
    """The MIME message for a mail (UTF-8 text, HTML alternative, language, extra headers).

    ``delivery_id`` (the outbox message's uid) makes the ``Message-ID``: every
    attempt at the same message carries the same one, so a duplicate can be dropped.
    """
    domain = sender.rsplit("@", 1)[-1]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    if delivery_id:
        msg["Message-ID"] = f"<{delivery_id}@{domain}>"
        msg["X-Causerie-Delivery"] = delivery_id
    else:
        msg["Message-ID"] = make_msgid(domain=domain)
    # Mark it as machine-sent so that mail servers do not answer with vacation replies.
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(mail.text, charset="utf-8")
    if mail.html:
        msg.add_alternative(mail.html, subtype="html", charset="utf-8")
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

    def deliver(self, message: OutboxMessage) -> DeliveryOutcome:
        """Send an outbox message of channel ``email``; raises ``DeliveryFailed``."""
        started = time.perf_counter()

        def outcome(status: int | None, error: str = "") -> DeliveryOutcome:
            return DeliveryOutcome(status, (time.perf_counter() - started) * 1000, error)

        try:
            self.send(Mail.from_payload(message.payload), delivery_id=message.uid)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(outcome(550, str(exc)), permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx: the server refuses this message for good; 4xx: try again later.
            failed = outcome(exc.smtp_code, str(exc))
            raise DeliveryFailed(failed, permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(outcome(None, f"{type(exc).__name__}: {exc}")) from exc
        return outcome(250)

    def send(self, mail: Mail, delivery_id: str = "") -> None:
        """Deliver one mail; raises ``OSError``/``smtplib.SMTPException`` on failure."""
        s = self.settings
        message = build_message(mail, self.sender, delivery_id)
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
