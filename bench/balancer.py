"""nginx in front of several ``causerie serve`` processes, with the configuration the docs print.

docs/deployment.md ("nginx in front of several servers") holds the nginx
configuration an operator copies; the load-balancer test
(tests/scaleout/test_balancer.py) and bench/scaling.py run exactly that
block, with only its ``listen`` line and its upstream servers replaced, and
wrapped in a complete ``nginx.conf`` whose files live in one folder.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "deployment.md"
NGINX = os.environ.get("CAUSERIE_TEST_NGINX", "/usr/sbin/nginx")
# The documented configuration is the block after this heading.
HEADING = "### nginx in front of several servers"


def documented_nginx_config() -> str:
    """The nginx configuration of docs/deployment.md for several servers, as printed."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    found = re.search(r"```nginx\n(.*?)```", section, re.S)
    if not found:
        raise ValueError(f"no nginx block after {HEADING!r} in {DOCS}")
    return found.group(1)


def nginx_config(ports: list[int], listen: int, folder: Path) -> str:
    """The documented configuration on loopback ports, wrapped in a complete nginx.conf."""
    block = documented_nginx_config()
    upstream = re.search(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", block, re.M)
    if not upstream:
        raise ValueError("the documented upstream lists no server line to repeat")
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
        f"http {{\n    access_log off;\n{temp}{block}}}\n"
    )


def start_nginx(ports: list[int], listen: int, folder: Path) -> subprocess.Popen[bytes]:
    """nginx on ``listen`` in front of ``ports``; returns once it answers ``/health``."""
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(ports, listen, folder))
    args = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(check.stderr + conf.read_text())
    err = (folder / "nginx.out").open("wb")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listen}/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.1)
    stop_nginx(process)
    raise RuntimeError((folder / "error.log").read_text(errors="replace"))


def stop_nginx(process: subprocess.Popen[bytes]) -> None:
    """A graceful stop (its workers end with it); killed if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
