"""No accepted comment is lost: SIGKILL the server mid-load, restart, find them all."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import LiveServer

URI = "/durabilite"


def hammer(url: str, accepted: dict[int, str], stop: threading.Event, worker: int) -> None:
    """Post comments until told to stop (or the server dies); remember each 201."""
    with httpx.Client(base_url=url, timeout=5) as http:
        n = 0
        while not stop.is_set():
            text = f"commentaire {worker}-{n}"
            n += 1
            try:
                response = http.post(
                    "/api/comments", json={"uri": URI, "text": text, "author": f"W{worker}"}
                )
            except httpx.HTTPError:
                return  # the server was killed mid-request: that comment was never accepted
            if response.status_code == 201:
                accepted[response.json()["id"]] = text


def run_and_kill(server: LiveServer) -> dict[int, str]:
    accepted: dict[int, str] = {}
    stop = threading.Event()
    workers = [
        threading.Thread(target=hammer, args=(server.url, accepted, stop, w)) for w in range(4)
    ]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 20
    while len(accepted) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for w in workers:
        w.join(10)
    return accepted


def all_comments(url: str) -> dict[int, str]:
    found: dict[int, str] = {}
    cursor = None
    with httpx.Client(base_url=url, timeout=10) as http:
        while True:
            params: dict[str, str | int] = {"uri": URI, "limit": 200}
            if cursor:
                params["cursor"] = cursor
            page = http.get("/api/comments", params=params).json()
            for c in page["comments"]:
                found[c["id"]] = c["html"]
            cursor = page["next"]
            if not cursor:
                return found


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_sigkill_mid_load_loses_no_accepted_comment(
    backend: str, live_server: Callable[..., LiveServer], request: pytest.FixtureRequest, tmp_path
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'durable.db'}"
    env = {"CAUSERIE_DATABASE_URL": url, "CAUSERIE_SPAM_FILTER": "false"}
    accepted = run_and_kill(live_server(**env))
    assert len(accepted) >= 50, "the load did not get going before the kill"

    restarted = live_server(**env)
    found = all_comments(restarted.url)

    missing = sorted(set(accepted) - set(found))
    assert not missing, f"{len(missing)} accepted comments lost, e.g. {missing[:5]}"
    for ident, text in accepted.items():
        assert found[ident] == f"<p>{text}</p>"
