"""The session-wide clean-up check (tests/hygiene.py) can fire, and only when it should."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psutil

from tests.hygiene import (
    _running_descendants,
    become_subreaper,
    changed_paths,
    checkout_state,
    leftover_processes,
)


def test_an_orphaned_grandchild_is_seen_and_stopped() -> None:
    # What php -S's workers did: the parent is stopped, its forked children live on.
    assert become_subreaper()
    before = set(_running_descendants())
    subprocess.run(["sh", "-c", "sleep 300 >/dev/null 2>&1 &"], check=True)
    time.sleep(0.2)
    orphans = [p for pid, p in _running_descendants().items() if pid not in before]
    assert [p.name() for p in orphans] == ["sleep"], "adopted by pytest, not by init"
    left = leftover_processes(before, grace=0.5)
    assert len(left) == 1 and "sleep 300" in left[0]
    assert not psutil.pid_exists(orphans[0].pid) or orphans[0].status() == psutil.STATUS_ZOMBIE


def test_a_finished_child_is_not_a_leftover() -> None:
    before = set(_running_descendants())
    subprocess.run(["true"], check=True)
    assert leftover_processes(before, grace=0.5) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_only_what_the_run_changed_counts(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    for name in ("kept.txt", "edited-before.txt", "edited-during.txt"):
        (tmp_path / name).write_text("committed\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    # The developer's own work in progress, before the run: not the run's doing.
    (tmp_path / "edited-before.txt").write_text("work in progress\n")
    (tmp_path / "notes.txt").write_text("untracked before\n")
    before = checkout_state(tmp_path)
    assert changed_paths(before, checkout_state(tmp_path)) == []

    (tmp_path / "edited-during.txt").write_text("a test wrote here\n")
    (tmp_path / "edited-before.txt").write_text("work in progress, then a test\n")
    (tmp_path / "screenshot.png").write_bytes(b"\x89PNG")
    assert changed_paths(before, checkout_state(tmp_path)) == [
        "edited-before.txt",
        "edited-during.txt",
        "screenshot.png",
    ]


def test_outside_a_checkout_there_is_nothing_to_compare(tmp_path: Path) -> None:
    assert checkout_state(tmp_path) is None
    assert changed_paths(None, None) == []
