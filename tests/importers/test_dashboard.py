"""Imports from the dashboard: admins upload a file, follow its progress, read the summary."""

from __future__ import annotations

import time
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import MakeClient
from tests.importers.conftest import FIXTURES
from tests.moderation.conftest import Moderator, add_user, login

WXR = FIXTURES / "wordpress-1.2.xml"


def _setup(make_client: MakeClient) -> tuple[TestClient, Moderator]:
    client = make_client()
    client.app.state.runtime.store.ensure_site("journal")  # type: ignore[attr-defined]
    add_user(client, "admin@journal.exemple", "admin")
    return client, login(client, "admin@journal.exemple")


def _upload(admin: Moderator, path: Any, **query: str) -> Any:
    params = {"site": "journal", "format": "wordpress", **query}
    headers = {"X-File-Name": path.name, "Content-Type": "application/octet-stream"}
    return admin.send(
        "POST", "/imports", json=None, params=params, headers=headers, content=path.read_bytes()
    )


def _finished(admin: Moderator, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, Any] = admin.get(f"/imports/{job_id}").json()
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_an_admin_uploads_an_export_and_reads_the_summary(make_client: MakeClient) -> None:
    client, admin = _setup(make_client)
    started = _upload(admin, WXR)
    assert started.status_code == 202, started.text
    job = _finished(admin, started.json()["id"])
    assert job["state"] == "done" and job["error"] is None
    assert (job["threads"], job["comments"], job["replies"], job["skipped"]) == (2, 22, 11, 2)
    assert any("weird-state" in m for m in job["warning_messages"])
    # The comments are there for readers, and a second upload adds nothing.
    page = client.get(
        "/api/comments", params={"site": "journal", "uri": "https://journal.exemple/?p=1"}
    )
    assert page.status_code == 200 and page.json()["total"] >= 1
    again = _finished(admin, _upload(admin, WXR).json()["id"])
    assert (again["comments"], again["skipped"]) == (0, 24)


def test_a_malformed_upload_fails_with_its_line_and_imports_nothing(
    make_client: MakeClient,
) -> None:
    _, admin = _setup(make_client)
    started = _upload(admin, FIXTURES / "disqus-malformed.xml", format="disqus")
    job = _finished(admin, started.json()["id"])
    assert job["state"] == "failed" and job["comments"] == 0
    assert job["error"] == "disqus-malformed.xml:85: <isSpam> is 'yes', not true or false"


def test_an_upload_of_another_format_says_which_one_it_looks_like(
    make_client: MakeClient,
) -> None:
    _, admin = _setup(make_client)
    job = _finished(admin, _upload(admin, WXR, format="disqus").json()["id"])
    assert (job["state"], job["comments"], job["looks_like"]) == ("failed", 0, "wordpress")
    assert "looks like a WordPress WXR export" in job["error"]
    native = _finished(admin, _upload(admin, WXR, format="json").json()["id"])
    assert native["looks_like"] == "wordpress", "json is accepted, as another name of native"


def test_only_admins_with_their_csrf_token_may_import(make_client: MakeClient) -> None:
    client, admin = _setup(make_client)
    add_user(client, "mod@journal.exemple", "moderator", ("journal",))
    moderator = login(make_client(), "mod@journal.exemple")
    refused = _upload(moderator, WXR)
    assert refused.status_code == 403 and refused.json()["error"] == "admin_only"
    no_token = admin.client.post(
        "/api/admin/imports", params={"site": "journal", "format": "wordpress"}, content=b"x"
    )
    assert no_token.status_code == 403 and no_token.json()["error"] == "csrf_invalid"
    bad_format = _upload(admin, WXR, format="blogger")
    assert bad_format.status_code == 422 and bad_format.json()["error"] == "field_invalid"
    empty = admin.send(
        "POST", "/imports", params={"site": "journal", "format": "wordpress"}, content=b""
    )
    assert empty.status_code == 422 and empty.json()["error"] == "upload_empty"
    assert admin.get("/imports/nope").status_code == 404
