"""Fetch the public data sets from their origins into a data folder (``make data``).

    .venv/bin/python scripts/fetch_data.py ../data                         # every set
    .venv/bin/python scripts/fetch_data.py ../data sms-spam-collection     # some of them

Needs internet. Each file of ``scripts/data_sources.toml`` is downloaded from
its repository at the pinned commit, checked against the size and checksums
the manifest gives (a file that does not match is not kept, and the run ends
with status 1), and saved as ``DEST/FOLDER/NAME``. A file already there that
matches is not fetched again. Files the project only derives from land in
``DEST/FOLDER/original/``; docs/data.md says what is derived from them and how.
The tests never need this: they use small fixtures, and ``../shared/data``
where it is present.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "data_sources.toml"
TIMEOUT = 60


@dataclass(frozen=True)
class Source:
    """One file of a data set: where it is published and what it must be."""

    folder: str
    repo: str
    commit: str
    path: str
    save_as: str
    size: int | None = None
    sha256: str = ""
    md5: str = ""
    strip_prefix: str = ""

    def url(self, base_url: str) -> str:
        """The file at its pinned commit (raw content)."""
        return f"{base_url.rstrip('/')}/{self.repo}/{self.commit}/{quote(self.path)}"

    def problem(self, data: bytes) -> str | None:
        """Why these bytes are not the file (None when they are)."""
        if self.size is not None and len(data) != self.size:
            return f"{len(data):,} bytes, not {self.size:,}"
        if self.sha256 and hashlib.sha256(data).hexdigest() != self.sha256:
            return "sha256 differs"
        if self.md5 and hashlib.md5(data, usedforsecurity=False).hexdigest() != self.md5:
            return "md5 differs"
        return None


def load(manifest: Path = MANIFEST) -> tuple[str, list[dict[str, Any]], list[Source]]:
    """The manifest's base URL, its sets, and every file to fetch."""
    document = tomllib.loads(manifest.read_text(encoding="utf-8"))
    sets = document["sets"]
    files = [Source(folder=s["folder"], **f) for s in sets for f in s.get("files", [])]
    return document["base_url"], sets, files


def fetch(source: Source, dest: Path, base_url: str) -> str:
    """Fetch one file unless it is already there; a word on what happened."""
    target = dest / source.folder / source.save_as
    if target.is_file() and source.problem(target.read_bytes()) is None:
        return "already there"
    request = urllib.request.Request(
        source.url(base_url), headers={"User-Agent": "causerie-fetch-data"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        data = answer.read()
    if source.strip_prefix and data.startswith(source.strip_prefix.encode()):
        data = data[len(source.strip_prefix.encode()) :]
    problem = source.problem(data)
    if problem:
        raise ValueError(problem)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
        partial.write(data)
    Path(partial.name).replace(target)
    return "fetched"


def main(argv: list[str] | None = None) -> int:
    """Fetch the sets asked for (all by default); 0 when every file is there and checks out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dest", type=Path, help="the data folder to fill (e.g. ../data)")
    parser.add_argument("folders", nargs="*", help="only these sets (folder names)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--base-url", help="where the repositories are served (tests)")
    args = parser.parse_intermixed_args(argv)
    base_url, sets, files = load(args.manifest)
    known = {s["folder"] for s in sets}
    unknown = sorted(set(args.folders) - known)
    if unknown:
        parser.error(f"unknown set(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    failed = 0
    for source in files:
        if args.folders and source.folder not in args.folders:
            continue
        where = f"{source.folder}/{source.save_as}"
        try:
            print(f"{where}: {fetch(source, args.dest, args.base_url or base_url)}")
        except (OSError, urllib.error.URLError, ValueError) as error:
            print(f"{where}: FAILED: {error}", file=sys.stderr)
            failed += 1
    print(f"{failed} file(s) failed" if failed else f"done: {args.dest}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
