"""Raw IP addresses are kept nowhere; the server calls nobody; readers get no cookie."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import httpx

from causerie.core import identity
from tests.conftest import TEST_SECRET, LiveServer, MakeClient
from tests.privacy.helpers import dump_database, engine, post, service, sqlite_bytes

RAW = "203.0.113.77"
PROXY = {"X-Forwarded-For": f"{RAW}, 10.0.0.9"}


def test_trusted_proxy_address_is_minimised_and_hashed_only(make_client: MakeClient) -> None:
    client = make_client(ip="10.0.0.9", trusted_proxies=("10.0.0.0/8",))
    client.headers.update(PROXY)
    created = post(client, email="s@example.org")
    assert client.post(f"/api/comments/{created['id']}/vote", json={"value": 1}).status_code == 200
    stored = service(client).store.comment(created["id"])
    assert stored is not None and stored.ip_prefix == "203.0.113.0/24"
    assert stored.ip_hash == identity.hash_ip(TEST_SECRET, RAW)
    db = engine(client)
    assert RAW not in dump_database(db)
    if db.dialect.name == "sqlite":
        raw = sqlite_bytes(db)
        assert RAW.encode() not in raw and bytes([203, 0, 113, 77]) not in raw


def test_forwarded_headers_from_untrusted_peers_are_ignored(make_client: MakeClient) -> None:
    client = make_client(ip="198.51.100.20")
    client.headers.update(PROXY)
    created = post(client)
    stored = service(client).store.comment(created["id"])
    assert stored is not None and stored.ip_prefix == "198.51.100.0/24"


GUARD = """
import os, socket

_log = os.environ["CAUSERIE_TEST_NET_LOG"]
open(_log + ".active", "w").close()

def _local(address):
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and (
        host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/")
    )

def _note(what, address):
    with open(_log, "a") as fh:
        fh.write(f"{what} {address!r}\\n")

_connect = socket.socket.connect
def connect(self, address):
    if self.family != socket.AF_UNIX and not _local(address):
        _note("connect", address)
    return _connect(self, address)
socket.socket.connect = connect

_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local((host,)):
        _note("resolve", host)
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


def _cycle(server: LiveServer) -> list[httpx.Response]:
    """A reader's whole visit: pages, post, read, vote, edit, export, delete."""
    headers = {"Origin": server.url, **PROXY}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
        seen = [http.get(path) for path in ("/demo", "/embed.js", "/privacy", "/health")]
        created = http.post(
            "/api/comments",
            json={
                "uri": "/demo",
                "text": "Un avis **clair**",
                "author": "Samira",
                "email": "samira@example.org",
                "website": "https://samira.example",
            },
        )
        body: dict[str, Any] = created.json()
        auth = {"Authorization": f"Bearer {body['edit_token']}"}
        seen += [
            created,
            http.get("/api/comments", params={"uri": "/demo"}),
            http.post(f"/api/comments/{body['id']}/vote", json={"value": 1}),
            http.patch(f"/api/comments/{body['id']}", json={"text": "Modifié"}, headers=auth),
            http.post("/api/privacy/export", json={"edit_token": body["edit_token"]}),
            http.delete(f"/api/comments/{body['id']}", headers=auth),
        ]
    return seen


def test_live_server_calls_nobody_sets_no_cookie_and_logs_no_address(
    tmp_path: Path, live_server: Any
) -> None:
    site = tmp_path / "guard"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(GUARD))
    net_log = tmp_path / "network.log"
    server: LiveServer = live_server(
        PYTHONPATH=str(site),
        CAUSERIE_TEST_NET_LOG=str(net_log),
        CAUSERIE_TRUSTED_PROXIES="127.0.0.1",
        CAUSERIE_LOG_LEVEL="debug",
        # The spam filter runs too: it must call nobody either.
        CAUSERIE_SPAM_FILTER="true",
    )
    responses = _cycle(server)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 201, 200, 200, 200, 200, 200]
    assert all("set-cookie" not in r.headers for r in responses)
    server.stop()
    assert Path(f"{net_log}.active").exists()  # the guard really ran in the server
    assert not net_log.exists(), net_log.read_text()
    log_text = server.log_path.read_text(errors="replace")
    assert "GET /privacy" in log_text  # the access log was on, at debug level
    assert RAW not in log_text
    db_path = Path(server.env["CAUSERIE_DATABASE_URL"].removeprefix("sqlite:///"))
    files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
    assert not any(RAW.encode() in p.read_bytes() for p in files if p.exists())
