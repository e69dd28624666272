"""The publisher's code in docs/identity.md, run as written: PHP, Python and Node sign a
token that Causerie accepts (each language skips without its interpreter, fails in CI)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import MakeClient, _unavailable

DOC = Path(__file__).resolve().parents[2] / "docs" / "identity.md"
SECRET = "publisher-shared-secret-0123456789abcdef"


def sample(language: str, fence: str) -> str:
    """The code block under the ``### <language>`` heading."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"### {language}\n\n```{fence}\n(.*?)```", text, re.S)
    assert found, f"no {language} sample in docs/identity.md"
    return found.group(1)


RUNNERS = {
    "PHP": (
        "php",
        lambda code: [
            "php",
            "-r",
            code + "echo causerie_token('reader-8841', 'Samïra B.', true, $argv[1]);",
            SECRET,
        ],
    ),
    "Python": (
        "python3",
        lambda code: [
            "python3",
            "-c",
            code
            + "import sys\nprint(causerie_token('reader-8841', 'Samïra B.', True, sys.argv[1]))",
            SECRET,
        ],
    ),
    "Node": (
        "node",
        lambda code: [
            "node",
            "-e",
            code + "console.log(causerieToken('reader-8841', 'Samïra B.', true, process.argv[1]))",
            SECRET,
        ],
    ),
}
FENCES = {"PHP": "php", "Python": "python", "Node": "js"}


@pytest.mark.parametrize("language", list(RUNNERS))
def test_the_publishers_sample_signs_a_token_causerie_accepts(
    make_client: MakeClient, language: str
) -> None:
    program, command = RUNNERS[language]
    if shutil.which(program) is None:
        _unavailable(program, f"{program} is not installed")
    token = subprocess.run(
        command(sample(language, FENCES[language])),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    client: TestClient = make_client()
    client.app.state.runtime.store.update_site_settings(  # type: ignore[attr-defined]
        "default",
        {"who_may_comment": "subscribers", "signin_methods": ["sso"], "sso_secret": SECRET},
    )
    answer = client.post("/api/signin/sso", json={"token": token})
    assert answer.status_code == 200, (language, token, answer.text)
    assert answer.json()["name"] == "Samïra B."
    headers = {"X-Causerie-Session": answer.json()["token"]}
    assert client.get("/api/signin/me", headers=headers).json()["subscriber"] is True
    # The same code with another secret is refused: the sample really signs.
    forged = token.rsplit(".", 1)[0] + "." + token.rsplit(".", 1)[1][::-1]
    assert client.post("/api/signin/sso", json={"token": forged}).status_code == 401
