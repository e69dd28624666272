"""The data sets' manifest covers ../shared/data, and the fetch command downloads and verifies.

The real origins cannot be reached from the tests (no internet): a local HTTP
server plays the part of the repository host, serving files laid out as
``{repo}/{commit}/{path}``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

from tests.conftest import _unavailable
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


fetch_data = load_script("fetch_data")


def test_every_entry_is_complete_and_its_address_parses() -> None:
    base_url, sets, files = fetch_data.load()
    assert urlsplit(base_url).scheme == "https"
    for entry in sets:
        for key in ("folder", "name", "use", "citation", "licence"):
            assert entry[key].strip(), (entry["folder"], key)
        assert entry["files"], entry["folder"]
    for source in files:
        url = urlsplit(source.url(base_url))
        assert url.scheme == "https" and url.netloc and " " not in url.path, source
        assert re.fullmatch(r"[0-9a-f]{40}", source.commit), source
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", source.repo), source
        if not source.save_as.startswith("original/"):  # what the project reads is verified
            assert source.sha256 or source.md5, f"{source.save_as}: nothing to verify it with"
        assert not source.sha256 or re.fullmatch(r"[0-9a-f]{64}", source.sha256)
        assert not source.md5 or re.fullmatch(r"[0-9a-f]{32}", source.md5)
        assert not Path(source.save_as).is_absolute() and ".." not in Path(source.save_as).parts


def test_the_docs_describe_every_set() -> None:
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    for entry in fetch_data.load()[1]:
        assert f"`{entry['folder']}`" in doc, entry["folder"]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        _unavailable("../shared/data", f"{SHARED} is missing")
    return SHARED


def test_the_manifest_covers_every_folder_of_the_shared_data(shared_data: Path) -> None:
    folders = {path.name for path in shared_data.iterdir() if path.is_dir()}
    assert {entry["folder"] for entry in fetch_data.load()[1]} == folders


def test_its_checksums_are_those_of_the_shared_copies(shared_data: Path) -> None:
    """Where the shared file is the published one, the manifest's figures are that file's."""
    for source in fetch_data.load()[2]:
        copy = shared_data / source.folder / source.save_as
        if source.save_as.startswith("original/"):
            assert not copy.exists()
            continue
        assert source.problem(copy.read_bytes()) is None, copy


class _Repositories(SimpleHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads ``hits``."""
        self.hits.append(self.path)


@pytest.fixture
def repositories(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A local HTTP server standing for the repository host, and the folder it serves."""
    served = tmp_path / "served"
    served.mkdir()
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Repositories,), {"hits": hits})

    def make(*args: Any) -> SimpleHTTPRequestHandler:
        return handler(*args, directory=str(served))

    server = ThreadingHTTPServer(("127.0.0.1", 0), make)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served, hits
    server.shutdown()
    server.server_close()
    thread.join(5)


def _publish(served: Path, repo: str, commit: str, path: str, data: bytes) -> None:
    file = served / repo / commit / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data)


def test_fetching_downloads_verifies_and_keeps_only_good_files(
    repositories: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    base_url, served, hits = repositories
    commit = "0123456789abcdef0123456789abcdef01234567"
    good = b"label\ttext\nham\tSalam, merci pour l'article\n"
    _publish(served, "someone/corpus", commit, "data dir/good.tsv", b"b  " + good)
    _publish(served, "someone/corpus", commit, "bad.csv", b"not what was published\n")
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        f"""base_url = "https://example.invalid"

[[sets]]
folder = "tiny-set"
name = "A tiny set"
use = "spam"
citation = "Written for this test."
licence = "CC0"
derived = ""

[[sets.files]]
repo = "someone/corpus"
commit = "{commit}"
path = "data dir/good.tsv"
save_as = "good.tsv"
strip_prefix = "b  "
size = {len(good)}
sha256 = "{hashlib.sha256(good).hexdigest()}"

[[sets.files]]
repo = "someone/corpus"
commit = "{commit}"
path = "bad.csv"
save_as = "original/bad.csv"
md5 = "{hashlib.md5(b"the published bytes").hexdigest()}"
""",
        encoding="utf-8",
    )
    dest = tmp_path / "data"
    args = [str(dest), "--manifest", str(manifest), "--base-url", base_url]
    assert fetch_data.main(args) == 1, "one file did not check out"
    assert (dest / "tiny-set" / "good.tsv").read_bytes() == good, "prefix stripped, verified"
    assert not (dest / "tiny-set" / "original" / "bad.csv").exists(), "a bad file is not kept"
    assert f"/someone/corpus/{commit}/data%20dir/good.tsv" in hits

    hits.clear()
    assert fetch_data.main([*args, "tiny-set"]) == 1
    assert hits == [f"/someone/corpus/{commit}/bad.csv"], "a good file is not fetched again"
    with pytest.raises(SystemExit):
        fetch_data.main([*args, "no-such-set"])
