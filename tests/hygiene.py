"""The suite cleans up after itself: no process left running, no file of the checkout changed.

At the start of the session the pytest process becomes a *child subreaper*
(Linux ``prctl``): a process whose parent exits first (``php -S``'s workers,
a server's children) is then re-parented to pytest instead of to init, and
stays visible as one of pytest's descendants. At the end of the session:

- any descendant that was not there at the start and is still running fails
  the run, named with its command line (and is then killed, so a failing run
  still leaves nothing behind);
- any path whose ``git status`` entry or bytes changed during the run fails
  it too. The first snapshot is taken before any test, so a developer's own
  uncommitted edits made before the run do not count; only what the tests
  wrote does.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
PR_SET_CHILD_SUBREAPER = 36
# Processes being stopped as the last test ends get this long to go.
GRACE_SECONDS = 10.0


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux only); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _running_descendants() -> dict[int, psutil.Process]:
    found = {}
    for process in psutil.Process().children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                found[process.pid] = process
        except psutil.NoSuchProcess:
            continue
    return found


def _reap_zombies() -> None:
    """Collect adopted children that have exited (nobody else will wait for them)."""
    for process in psutil.Process().children():
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(process.pid, os.WNOHANG)
        except (psutil.NoSuchProcess, ChildProcessError):
            continue


def _describe(process: psutil.Process) -> str:
    try:
        command = " ".join(process.cmdline()) or process.name()
        return f"pid {process.pid} (parent {process.ppid()}): {command[:200]}"
    except psutil.NoSuchProcess:
        return f"pid {process.pid} (gone)"


def leftover_processes(before: set[int], grace: float = GRACE_SECONDS) -> list[str]:
    """Descendants started during the run that outlived it (killed once listed)."""
    deadline = time.monotonic() + grace
    while True:
        _reap_zombies()
        left = {pid: p for pid, p in _running_descendants().items() if pid not in before}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    described = [_describe(p) for p in left.values()]
    for process in left.values():
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(list(left.values()), timeout=5)
    _reap_zombies()
    return described


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def checkout_state(root: Path = ROOT) -> dict[str, str] | None:
    """Each path ``git status`` lists (untracked ones too), with its entry and a hash of its bytes.

    None where this is not a git checkout (an unpacked sdist): nothing to compare.
    """
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if status is None:
        return None
    state = {}
    for entry in status.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 4:
            continue
        path = entry[3:]
        file = root / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "-"
        state[path] = f"{entry[:2]} {digest}"
    return state


def changed_paths(before: dict[str, str] | None, after: dict[str, str] | None) -> list[str]:
    """Paths whose status or bytes differ between two snapshots."""
    if before is None or after is None:
        return []
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@dataclass
class Snapshot:
    """What the session started with."""

    processes: set[int]
    checkout: dict[str, str] | None


@pytest.fixture(scope="session", autouse=True)
def leaves_nothing_behind() -> Iterator[None]:
    """Fail the run if it leaves a process running or changes a file of the checkout."""
    become_subreaper()
    start = Snapshot(set(_running_descendants()), checkout_state())
    yield
    problems = [f"process left running: {line}" for line in leftover_processes(start.processes)]
    changed = changed_paths(start.checkout, checkout_state())
    problems += [f"file changed by the run (see git status): {path}" for path in changed]
    if problems:
        pytest.fail("the test run did not clean up after itself:\n" + "\n".join(problems))
