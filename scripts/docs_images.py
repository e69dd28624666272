"""Refresh the pictures in docs/images/ from the tests that take them (``make docs-images``).

    .venv/bin/python scripts/docs_images.py                                   # every picture
    .venv/bin/python scripts/docs_images.py wordpress-akismet-statistics.png  # some of them

Tests never write into docs/: a test run leaves the checkout as it found it
(tests/hygiene.py checks), and each screenshot test saves its picture under
``test-artifacts/``. This script runs the tests that take the pictures asked
for (with ``CI=true``, so a missing browser or WordPress fails instead of
skipping), then copies each picture into ``docs/images/``: a new picture in
the docs is a deliberate, reviewable commit.

To add a picture: make a test save ``test-artifacts/NAME.png``, then add a
``Screen`` below with NAME.png and the ids of the tests that make it (the
tests it depends on first, in the order they must run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
IMAGES = ROOT / "docs" / "images"
WORDPRESS = "tests/wordpress/test_akismet_plugin.py::"


@dataclass(frozen=True)
class Screen:
    """A picture of the docs and the tests that take it."""

    name: str
    tests: tuple[str, ...]


SCREENS = (
    Screen(
        "wordpress-akismet-connected.png",
        (WORDPRESS + "test_screenshot_of_the_connected_settings_page",),
    ),
    Screen(
        "wordpress-akismet-statistics.png",
        (
            WORDPRESS + "test_comments_moderation_and_statistics",
            WORDPRESS + "test_screenshot_of_the_statistics",
        ),
    ),
)


def chosen(names: list[str]) -> list[Screen]:
    """The screens named (all of them when none is)."""
    known = {screen.name: screen for screen in SCREENS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown picture(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in names] if names else list(SCREENS)


def test_ids(screens: list[Screen]) -> list[str]:
    """Every test the screens need, each once, in the order given."""
    return list(dict.fromkeys(test for screen in screens for test in screen.tests))


def main(names: list[str]) -> int:
    """Run the tests, copy their pictures into docs/images/; 0 when every picture was taken."""
    screens = chosen(names)
    started = time.time()
    pytest = [sys.executable, "-m", "pytest", "-q", *test_ids(screens)]
    done = subprocess.run(pytest, cwd=ROOT, env={**os.environ, "CI": "true"})
    if done.returncode:
        print(f"docs-images: the tests failed (exit {done.returncode}); docs/images/ unchanged")
        return done.returncode
    missing = 0
    for screen in screens:
        shot, target = ARTIFACTS / screen.name, IMAGES / screen.name
        if not shot.is_file() or shot.stat().st_mtime < started:
            print(f"docs-images: {screen.name}: no new picture in test-artifacts/")
            missing += 1
        elif target.is_file() and target.read_bytes() == shot.read_bytes():
            print(f"docs-images: {screen.name}: unchanged")
        else:
            shutil.copyfile(shot, target)
            print(f"docs-images: {screen.name}: updated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
