"""The README's commands and examples work as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from causerie.core.threads import public_state
from causerie.store.records import CommentState
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


def _inline_commands() -> list[str]:
    """The commands the README shows inline, as a reader copies them."""
    return re.findall(r"`(\.venv/bin/causerie [^`…]+?)`", README)


def test_the_cli_examples_name_the_command_where_make_demo_puts_it(tmp_path: Path) -> None:
    # make demo installs into $(VENV)/bin, and VENV is .venv: the path the docs give.
    assert re.search(r"^VENV\s*\?=\s*\.venv$", (ROOT / "Makefile").read_text(), re.M)
    commands = _inline_commands()
    assert ".venv/bin/causerie user add you@example.com --role admin" in commands
    assert ".venv/bin/causerie key create --site https://blog.example" in commands
    env = {**os.environ, "CAUSERIE_DATABASE_URL": f"sqlite:///{tmp_path / 'readme.db'}"}
    here = Path(sys.executable).parent / "causerie"  # the same script, in this test's venv
    for command in commands:
        argv = [str(here), *shlex.split(command)[1:]]
        if "user add" in command:
            argv.append("--password-stdin")
        done = subprocess.run(
            argv, input="a long enough password\n", env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stderr)


def test_no_doc_runs_a_bare_causerie_command() -> None:
    """In code blocks, ``causerie …`` is spelled as it runs from a clone: ``.venv/bin/causerie``."""
    bare = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```\w*\n(.*?)```", text, re.S):
            bare += [
                f"{page.name}: {line.strip()}"
                for line in block.splitlines()
                if re.match(r"\s*(\$ )?causerie [a-z]", line)
            ]
    assert bare == []


def test_the_readme_names_the_states_a_new_comment_can_answer() -> None:
    sentence = README.split("The first answers `201` with the comment, its state", 1)[1]
    named = set(re.findall(r"`(\w+)`", sentence.split("`edit_token`", 1)[0]))
    answerable = {public_state(s) for s in CommentState if s is not CommentState.DELETED}
    assert named == answerable == {"approved", "pending"}
