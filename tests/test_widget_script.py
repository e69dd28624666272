"""The widget is kept in parts (web/widget/) and served as ONE script, built once, with an ETag."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from causerie.api.widget_script import CLOSE, OPEN, PARTS, WIDGET, assemble


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing (make test-deps installs it)")
        pytest.skip("node is not installed: cannot parse the widget")
    return node


def test_readers_get_one_script_holding_every_part_in_order(client: TestClient) -> None:
    answer = client.get("/embed.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
    assert answer.headers["cache-control"] == "public, max-age=3600"
    assert answer.content == assemble().encode()
    text = answer.text
    assert text.startswith((WIDGET / "header.js").read_text(encoding="utf-8") + OPEN)
    assert text.endswith(CLOSE) and text.count(OPEN) == 1
    places = [text.index((WIDGET / name).read_text(encoding="utf-8")) for name in PARTS]
    assert places == sorted(places)
    # What the publisher's page loads is this one file; the parts are not served apart.
    assert client.get("/static/embed.js").status_code == 404


def test_the_etag_answers_304_until_the_script_changes(client: TestClient) -> None:
    first = client.get("/embed.js")
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    again = client.get("/embed.js", headers={"If-None-Match": f'"other", {etag}'})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    stale = client.get("/embed.js", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_the_assembled_widget_and_each_part_alone_parse(tmp_path: Path) -> None:
    """A part ends where a statement ends: each one parses alone inside the shared scope."""
    node = _node()
    sources = {"embed.js": assemble()}
    for name in PARTS:
        sources[name] = OPEN + (WIDGET / name).read_text(encoding="utf-8") + CLOSE
    for name, source in sources.items():
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        checked = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, f"{name}: {checked.stderr}"


def test_the_check_sees_a_part_cut_in_the_middle(tmp_path: Path) -> None:
    node = _node()
    path = tmp_path / "cut.js"
    path.write_text(OPEN + "  function f() {\n    return 1;\n" + CLOSE, encoding="utf-8")
    assert subprocess.run([node, "--check", str(path)], capture_output=True).returncode != 0
