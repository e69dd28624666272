"""Shared pieces of the HTTP benchmarks: servers as processes, wrk as the load generator.

wrk (Debian package ``wrk``) is the load generator for every server alike:
it is written in C, so on this 2-core machine it takes far less CPU from the
server under test than a Python client would. A small Lua script makes it
print its summary as JSON (requests, errors, latency percentiles).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SUMMARY_LUA = """
{setup}
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{{"requests":%d,"seconds":%.3f,"errors":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f}}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3))
end
"""

POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{headers}
local n = 0
request = function()
  n = n + 1
  local body = string.format({body_format}, n)
  return wrk.format(nil, {path}, nil, body)
end
"""


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured."""

    name: str
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    max: float

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """One readable line."""
        return (
            f"{self.name:<44} {self.rate:9.1f} req/s  p50 {self.p50:7.2f} ms  "
            f"p95 {self.p95:7.2f} ms  p99 {self.p99:7.2f} ms  errors {self.errors}"
        )


def require_wrk() -> str:
    """The wrk binary, or a clear message on how to get it."""
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    """Wait until a URL answers at all."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def wait_idle(url: str, timeout: float = 30) -> None:
    """Wait until a server answers quickly again (work queued by a previous run is done)."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=10):
                pass
        except OSError:
            pass
        quick = quick + 1 if time.monotonic() - start < 0.05 else 0
        time.sleep(0.2)


def http_json(
    method: str, url: str, body: object | None = None, headers: dict[str, str] | None = None
) -> object:
    """A small JSON request with the standard library."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def run_wrk(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    lua_setup: str = "",
) -> LoadResult:
    """Run wrk against a URL for a fixed time and parse its JSON summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SUMMARY_LUA.format(setup=lua_setup))
    try:
        out = subprocess.run(
            [
                require_wrk(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    summary = json.loads(out.strip().splitlines()[-1])
    return LoadResult(name=name, **summary)


def post_lua(path: str, body_format: str, headers: dict[str, str] | None = None) -> str:
    """A wrk Lua setup that POSTs a numbered JSON body (``%d`` in ``body_format``)."""
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in (headers or {}).items())
    return POST_LUA.format(
        headers=header_lines, body_format=json.dumps(body_format), path=json.dumps(path)
    )


def process_tree_rss_mb(pid: int) -> dict[int, float]:
    """RSS in MB of a process and all its descendants, by pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    result: dict[int, float] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    result[current] = int(line.split()[1]) / 1024
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return result


class Server:
    """A server process started for a benchmark, stopped with its children."""

    def __init__(
        self, name: str, cmd: Sequence[str], env: dict[str, str], url: str, health: str
    ) -> None:
        self.name = name
        self.url = url
        log = open(Path(tempfile.gettempdir()) / f"bench-{name}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            list(cmd),
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_http(url + health)

    def worker_rss_mb(self) -> list[float]:
        """RSS of each worker process (the children; the process itself if it has none)."""
        tree = self.process_tree()
        workers = [mb for pid, mb in tree.items() if pid != self.process.pid]
        return workers or list(tree.values())

    def process_tree(self) -> dict[int, float]:
        """RSS in MB of the server and its children."""
        return process_tree_rss_mb(self.process.pid)

    def stop(self) -> None:
        """Stop the whole process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
