"""The desk's pictures script works (into a temporary folder; docs/ is never touched by tests)."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scripts import load_script

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_every_desk_picture_has_a_place_in_the_docs() -> None:
    names = load_script("dashboard_screens").picture_names()
    page = (ROOT / "docs" / "moderation.md").read_text(encoding="utf-8")
    assert len(names) == len(set(names)) >= 50
    assert [name for name in names if f"images/{name}" not in page] == []


def test_the_script_photographs_a_screen_of_a_seeded_desk(tmp_path: Path) -> None:
    picture = "desk-reported-ar-phone.png"
    script = [sys.executable, "scripts/dashboard_screens.py"]
    done = subprocess.run(
        [*script, "--out", str(tmp_path), "--pictures", picture],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = (tmp_path / picture).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (390, 844)  # the phone's viewport, scale 1
    assert [p.name for p in tmp_path.iterdir()] == [picture]
