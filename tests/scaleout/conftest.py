"""A real load balancer: Debian's nginx in front of several ``causerie serve`` processes.

``balanced_fleet(count)`` starts ``count`` servers on one PostgreSQL database and
Redis, then nginx on a free port with the configuration printed in
docs/deployment.md (read from there by bench/balancer.py, so the documented
file is the tested one: only its ``listen`` line and its upstream servers are
replaced). Every process is stopped at the end. Without nginx, PostgreSQL or
Redis the tests skip with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, _unavailable, free_port, start_server

# The nginx configuration docs/deployment.md prints, run as bench/scaling.py runs it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from balancer import NGINX, start_nginx, stop_nginx


@dataclass
class Fleet:
    """nginx (``url``) in front of ``servers``, all on one database and one Redis."""

    url: str
    servers: list[LiveServer]
    env: dict[str, str]
    folder: Path


@pytest.fixture
def balanced_fleet(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[Callable[..., Fleet]]:
    """A maker of fleets: ``count`` servers with these settings behind one nginx."""
    if not (Path(NGINX).is_file() or shutil.which(NGINX)):
        _unavailable("nginx", f"{NGINX} is missing (scripts/install-nginx)")
    servers: list[LiveServer] = []
    balancers: list[subprocess.Popen[bytes]] = []

    def make(count: int = 3, **settings: str) -> Fleet:
        folder = tmp_path / f"fleet-{len(balancers)}"
        folder.mkdir()
        env = {
            "CAUSERIE_DATABASE_URL": postgres_url,
            "CAUSERIE_REDIS_URL": redis_url,
            # nginx runs on this machine: the only address whose X-Forwarded-For is believed.
            "CAUSERIE_TRUSTED_PROXIES": "127.0.0.1",
            **settings,
        }
        mine = [start_server(env, folder / f"server-{i}.log") for i in range(count)]
        servers.extend(mine)
        ports = [int(s.url.rpartition(":")[2]) for s in mine]
        listen = free_port()
        balancers.append(start_nginx(ports, listen, folder))
        return Fleet(f"http://127.0.0.1:{listen}", mine, {**mine[0].env}, folder)

    yield make
    for nginx in balancers:
        stop_nginx(nginx)
    for server in servers:
        server.stop()


def follow_stream(
    http: httpx.Client, uri: str, found: list[int], ready: threading.Event, want: int = 1
) -> None:
    """Follow a thread's live stream until ``want`` new comments arrived (ids in ``found``)."""
    with http.stream("GET", "/api/stream", params={"uri": uri}, timeout=30) as response:
        kind = ""
        for line in response.iter_lines():
            if line.startswith(": connected"):
                ready.set()
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "comment":
                found.append(int(json.loads(line[6:])["id"]))
                if len(found) >= want:
                    return
