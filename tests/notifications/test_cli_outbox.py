"""``causerie outbox run`` sends what the server queued, without serving HTTP; ``status`` counts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from causerie.core.mail import Mail
from causerie.core.outbox import mail_message
from causerie.store.database import create_database_engine
from causerie.store.outbox import SqlOutboxStore
from tests.conftest import TEST_SECRET
from tests.privacy.conftest import Mailbox


def test_the_worker_runs_alone_and_stops_on_sigterm(sqlite_url: str, mailbox: Mailbox) -> None:
    engine = create_database_engine(sqlite_url)
    try:
        SqlOutboxStore(engine).enqueue(
            [mail_message(Mail("samira@example.org", "Bonjour", "Un message", "fr"), None)],
            time.time(),
        )
    finally:
        engine.dispose()
    env = {
        **os.environ,
        "CAUSERIE_DATABASE_URL": sqlite_url,
        "CAUSERIE_SECRET": TEST_SECRET,
        "CAUSERIE_SMTP_HOST": mailbox.host,
        "CAUSERIE_SMTP_PORT": str(mailbox.port),
        "CAUSERIE_SMTP_STARTTLS": "false",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "causerie", "outbox", "run"], env=env, stderr=subprocess.PIPE
    )
    try:
        (mail,) = mailbox.wait_for(1, timeout=20)
        assert mail["Subject"] == "Bonjour"
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0
    shown = subprocess.run(
        [sys.executable, "-m", "causerie", "outbox", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == {
        "pending": 0,
        "sent": 1,
        "failed": 0,
    }
