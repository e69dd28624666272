"""Accounts: argon2 passwords, login throttling and lockout, cookies, CSRF, password change, CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from causerie.cli import main
from causerie.core.accounts import MAX_FAILURES
from tests.moderation.conftest import PASSWORD, Moderator, add_user, fast_hashing, login


def test_login_sets_a_strict_httponly_cookie_and_returns_csrf(client: TestClient) -> None:
    add_user(client, "admin@news.example", "admin")
    response = client.post(
        "/api/admin/login", json={"email": "Admin@News.example", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    me = client.get("/api/admin/me").json()
    assert me["email"] == "admin@news.example" and me["role"] == "admin"
    assert me["csrf"] == response.json()["csrf"]
    stored = client.app.state.runtime.accounts.store.user_by_email("admin@news.example")  # type: ignore[attr-defined]
    assert stored.password_hash.startswith("$argon2id$")


def test_cookie_is_secure_behind_an_https_proxy(client: TestClient) -> None:
    add_user(client, "admin@news.example", "admin")
    response = client.post(
        "/api/admin/login",
        json={"email": "admin@news.example", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", "mot de passe"), ("en", "password"), ("ar", "كلمة المرور")]
)
def test_wrong_password_is_a_localized_401(client: TestClient, lang: str, words: str) -> None:
    add_user(client, "admin@news.example", "admin")
    for email in ("admin@news.example", "nobody@news.example"):
        response = client.post(
            f"/api/admin/login?lang={lang}", json={"email": email, "password": "wrong password"}
        )
        assert response.status_code == 401
        assert response.json()["error"] == "login_failed"
        assert words in response.json()["message"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: TestClient,
) -> None:
    add_user(client, "admin@news.example", "admin")
    body = {"email": "admin@news.example", "password": "not the password"}
    codes = [client.post("/api/admin/login", json=body).status_code for _ in range(MAX_FAILURES)]
    assert codes == [401] * (MAX_FAILURES - 1) + [429]
    right = client.post(
        "/api/admin/login", json={"email": "admin@news.example", "password": PASSWORD}
    )
    assert right.status_code == 429 and right.json()["error"] == "account_locked"


def test_one_address_cannot_try_passwords_without_limit(
    make_sqlite_client: Callable[..., TestClient],
) -> None:
    client = make_sqlite_client()
    fast_hashing(client)
    codes = {
        client.post(
            "/api/admin/login", json={"email": f"u{i}@news.example", "password": "x" * 12}
        ).status_code
        for i in range(25)
    }
    assert codes == {401, 429}
    last = client.post("/api/admin/login", json={"email": "a@b.example", "password": "x"})
    assert last.json()["error"] == "login_throttled"


def test_changes_need_a_session_and_the_csrf_token(client: TestClient) -> None:
    anonymous = client.post("/api/admin/undo")
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "not_authenticated"
    add_user(client, "admin@news.example", "admin")
    mod = login(client, "admin@news.example")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post("/api/admin/undo", headers=headers)
        assert response.status_code == 403 and response.json()["error"] == "csrf_invalid"
    assert mod.send("POST", "/undo").json()["error"] == "nothing_to_undo"


def test_password_change_closes_sessions_and_logout_forgets_the_cookie(
    client: TestClient,
) -> None:
    add_user(client, "admin@news.example", "admin")
    mod = login(client, "admin@news.example")
    wrong = mod.send("POST", "/password", {"current": "nope", "new": "another long one"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "password_wrong"
    short = mod.send("POST", "/password", {"current": PASSWORD, "new": "short"})
    assert short.status_code == 422 and short.json()["error"] == "password_too_short"
    assert mod.send(
        "POST", "/password", {"current": PASSWORD, "new": "another long one"}
    ).is_success
    assert mod.get("/me").status_code == 401
    again = login(client, "admin@news.example", "another long one")
    assert again.send("POST", "/logout").is_success
    assert again.get("/me").status_code == 401


def test_cli_adds_lists_and_resets_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUSERIE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["user", "add", "ines@news.example", "--role", "moderator", "--site", "lemonde"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    no_site = runner.invoke(
        main,
        ["user", "add", "x@news.example", "--role", "moderator", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert no_site.exit_code == 1 and "at least one site" in no_site.output
    listed = runner.invoke(main, ["user", "list"])
    assert "ines@news.example\tmoderator\tlemonde" in listed.output
    reset = runner.invoke(
        main, ["user", "passwd", "ines@news.example", "--password-stdin"], input="new password 42\n"
    )
    assert reset.exit_code == 0, reset.output
    client = TestClient(_app_on(tmp_path / "cli.db"))
    assert isinstance(login(client, "ines@news.example", "new password 42"), Moderator)


def _app_on(path: Path):  # type: ignore[no-untyped-def]
    from causerie.app import create_app
    from tests.conftest import test_settings

    return create_app(test_settings(f"sqlite:///{path}"))
