"""The README's commands and examples work as written."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_commands(section: str) -> list[str]:
    """The commands of the first ```sh block under a README heading."""
    body = README.split(f"## {section}", 1)[1]
    block = re.search(r"```sh\n(.*?)```", body, re.S)
    assert block, f"no sh block under {section}"
    joined = block.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_quick_start_and_tests_are_make_targets() -> None:
    assert shell_commands("Quick start") == ["make demo"]
    assert shell_commands("Running the tests") == ["make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_api_examples_run_against_a_real_server(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(CAUSERIE_SPAM_FILTER="false")
    outputs = []
    for command in shell_commands("Try the API"):
        command = command.replace("http://127.0.0.1:8080", server.url)
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    posted, thread, counts, error = outputs
    assert posted["state"] == "approved" and posted["edit_token"]
    assert thread["comments"][0]["html"] == "<p>Très bon article, <em>merci</em> !</p>"
    assert counts == {"counts": {"/2026/11/tramway": 1, "/2026/11/autre": 0}}
    assert error == {
        "error": "text_required",
        "message": "Veuillez écrire votre commentaire.",
        "field": "text",
    }
    # The README quotes that very answer.
    assert '"message": "Veuillez écrire votre commentaire."' in README
