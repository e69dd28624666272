"""Refresh the pictures in docs/images/ from the tests that take them (``make docs-images``).

    .venv/bin/python scripts/docs_images.py                                   # every picture
    .venv/bin/python scripts/docs_images.py wordpress-akismet-statistics.png  # some of them
    make docs-images NAMES='desk-*'                                           # the desk's

Tests never write into docs/: a test run leaves the checkout as it found it
(tests/hygiene.py checks), and each screenshot test saves its picture under
``test-artifacts/``. This script runs the tests that take the pictures asked
for (with ``CI=true``, so a missing browser or WordPress fails instead of
skipping), then copies each picture into ``docs/images/``: a new picture in
the docs is a deliberate, reviewable commit.

To add a picture: make a test save ``test-artifacts/NAME.png``, then add a
``Screen`` below with NAME.png and the ids of the tests that make it (the
tests it depends on first, in the order they must run). Pictures taken many at
a time by a script of their own (the moderation desk's, ``dashboard_screens.py``:
every screen in two languages and two sizes) name that script instead; it is
run once for all the pictures asked of it, with ``--out test-artifacts``.
"""

from __future__ import annotations

import fnmatch
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
DESK = "scripts/dashboard_screens.py"


@dataclass(frozen=True)
class Screen:
    """A picture of the docs and the tests that take it (or the script that does)."""

    name: str
    tests: tuple[str, ...] = ()
    script: str = ""


def _desk_pictures() -> tuple[Screen, ...]:
    """The moderation desk's pictures, as ``scripts/dashboard_screens.py`` names them."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import dashboard_screens

    return tuple(Screen(name, script=DESK) for name in dashboard_screens.picture_names())


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
    *_desk_pictures(),
)


def chosen(names: list[str]) -> list[Screen]:
    """The screens named, patterns allowed (``'desk-*'``); all of them when none is."""
    known = {screen.name: screen for screen in SCREENS}
    unknown = [name for name in names if not fnmatch.filter(known, name)]
    if unknown:
        raise SystemExit(f"unknown picture(s): {', '.join(unknown)}; known: {', '.join(known)}")
    if not names:
        return list(SCREENS)
    return [
        known[n] for n in dict.fromkeys(n for name in names for n in fnmatch.filter(known, name))
    ]


def test_ids(screens: list[Screen]) -> list[str]:
    """Every test the screens need, each once, in the order given (scripts apart)."""
    return list(dict.fromkeys(test for screen in screens for test in screen.tests))


def main(names: list[str]) -> int:
    """Run the tests, copy their pictures into docs/images/; 0 when every picture was taken."""
    screens = chosen(names)
    started = time.time()
    tests = test_ids(screens)
    if tests:
        pytest = [sys.executable, "-m", "pytest", "-q", *tests]
        done = subprocess.run(pytest, cwd=ROOT, env={**os.environ, "CI": "true"})
        if done.returncode:
            print(f"docs-images: the tests failed (exit {done.returncode}); docs/images/ unchanged")
            return done.returncode
    for script in dict.fromkeys(screen.script for screen in screens if screen.script):
        pictures = ",".join(screen.name for screen in screens if screen.script == script)
        command = [sys.executable, script, "--out", str(ARTIFACTS), "--pictures", pictures]
        done = subprocess.run(command, cwd=ROOT)
        if done.returncode:
            print(f"docs-images: {script} failed (exit {done.returncode}); docs/images/ unchanged")
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
