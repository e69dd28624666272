"""A real load balancer: Debian's nginx in front of several ``causerie serve`` processes.

``balanced_fleet(count)`` starts ``count`` servers on one PostgreSQL database and
Redis, then nginx on a free port with the configuration printed in
docs/deployment.md (read from there, so the documented file is the tested
one: only its ``listen`` line and its upstream servers are replaced). Every
process is stopped at the end. Without nginx, PostgreSQL or Redis the tests
skip with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, _unavailable, free_port, start_server

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
NGINX = os.environ.get("CAUSERIE_TEST_NGINX", "/usr/sbin/nginx")
# The documented configuration is the block after this heading.
HEADING = "### nginx in front of several servers"


def documented_nginx_config() -> str:
    """The nginx configuration of docs/deployment.md for several servers, as printed."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    found = re.search(r"```nginx\n(.*?)```", section, re.S)
    assert found, f"no nginx block after {HEADING!r} in {DOCS}"
    return found.group(1)


def nginx_config(ports: list[int], listen: int, folder: Path) -> str:
    """The documented configuration on loopback ports, wrapped in a complete nginx.conf."""
    block = documented_nginx_config()
    upstream = re.search(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", block, re.M)
    assert upstream, "the documented upstream lists no server line to repeat"
    indent, options = upstream.group(1), upstream.group(2) or ""
    servers = "".join(f"{indent}server 127.0.0.1:{p}{options};\n" for p in ports)
    block = re.sub(r"^\s*server 127\.0\.0\.1:\d+[^;]*;\n", "", block, flags=re.M)
    block = re.sub(r"(upstream causerie \{\n)", lambda m: m.group(1) + servers, block)
    block = re.sub(r"^(\s*)listen [^;]*;", rf"\g<1>listen 127.0.0.1:{listen};", block, flags=re.M)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers write temp files in ``folder``
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nworker_processes 1;\n{user}pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp}{block}}}\n"
    )


@dataclass
class Fleet:
    """nginx (``url``) in front of ``servers``, all on one database and one Redis."""

    url: str
    servers: list[LiveServer]
    env: dict[str, str]
    folder: Path


def _start_nginx(ports: list[int], folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    listen = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(ports, listen, folder))
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr + conf.read_text()
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("wb"),
    )
    url = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    process.wait(5)
    raise RuntimeError((folder / "error.log").read_text(errors="replace"))


def _stop_nginx(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)  # graceful: its workers end with it
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


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
        nginx, url = _start_nginx(ports, folder)
        balancers.append(nginx)
        return Fleet(url, mine, {**mine[0].env}, folder)

    yield make
    for nginx in balancers:
        _stop_nginx(nginx)
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
