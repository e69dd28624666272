"""A real WordPress site with its Akismet plugin, pointed at a real Causerie server.

Debian's ``wordpress`` package (installed by ``scripts/install-wordpress``,
like Chromium), PHP's command-line web server, the MariaDB server at
127.0.0.1:3306 (``CAUSERIE_TEST_MARIADB_HOST``/``_PORT``, user ``root``
without a password). The site is installed, configured and used over HTTP,
the way an admin and visitors use it; nothing in WordPress is mocked.

Every test run gets its own database, its own ``wp-content`` directory (the
Akismet plugin and the theme linked from the package) and its own Debian
configuration file, ``/etc/wordpress/config-<name>.php``, chosen through
Debian's ``WORDPRESS_CONFIG`` variable, so parallel runs do not meet. All
three are removed afterwards. Skips with a reason where something is
missing, fails under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import LiveServer, _unavailable, free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
WORDPRESS = Path("/usr/share/wordpress")
DEBIAN_CONFIG_DIR = Path("/etc/wordpress")
PLUGIN = WORDPRESS / "wp-content" / "plugins" / "akismet"
THEME = WORDPRESS / "wp-content" / "themes" / "twentytwentythree"
MARIADB_HOST = os.environ.get("CAUSERIE_TEST_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = os.environ.get("CAUSERIE_TEST_MARIADB_PORT", "3306")
ADMIN, PASSWORD = "redaction", "causerie-test-" + secrets.token_hex(4)
SETTINGS = "/wp-admin/options-general.php?page=akismet-key-config"

# Test scaffolding, not part of what an admin installs: every visitor here
# posts from 127.0.0.1, so WordPress's 15-second flood check and "the author
# must have a previously approved comment" would hold every comment; and
# there is no mail server to notify anyone.
SCAFFOLDING = """<?php
// Causerie's WordPress test only (tests/wordpress/conftest.py).
remove_action( 'check_comment_flood', 'check_comment_flood_db', 10 );
add_filter( 'pre_option_comment_previously_approved', '__return_zero' );
add_filter( 'pre_option_comments_notify', '__return_zero' );
add_filter( 'pre_option_moderation_notify', '__return_zero' );
"""


def _packages_missing() -> str:
    needed = [WORDPRESS / "wp-comments-post.php", PLUGIN / "akismet.php", THEME / "style.css"]
    missing = [str(p) for p in needed if not p.exists()]
    missing += [tool for tool in ("php", "mariadb") if shutil.which(tool) is None]
    return ", ".join(missing)


def mariadb(sql: str, database: str = "") -> list[list[str]]:
    """Run SQL with the mariadb client; rows as lists of strings."""
    cmd = ["mariadb", "-h", MARIADB_HOST, "-P", MARIADB_PORT, "-u", "root", "-N", "-B"]
    done = subprocess.run(
        [*cmd, *([database] if database else []), "-e", sql],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if done.returncode:
        raise RuntimeError(f"mariadb: {done.stderr.strip()}")
    return [line.split("\t") for line in done.stdout.splitlines()]


@pytest.fixture(scope="session")
def wordpress_packages() -> None:
    """Debian's WordPress, PHP and the MariaDB client, installed if missing."""
    if _packages_missing():
        script = ROOT / "scripts" / "install-wordpress"
        done = subprocess.run([str(script)], capture_output=True, text=True, timeout=600)
        if done.returncode:
            _unavailable("WordPress", f"{script} failed: {done.stderr.strip()[-500:]}")
    if missing := _packages_missing():
        _unavailable("WordPress", f"missing after scripts/install-wordpress: {missing}")
    try:
        mariadb("SELECT 1")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        _unavailable("MariaDB", f"{MARIADB_HOST}:{MARIADB_PORT} as root: {exc}")


def _attribute(tag: str, name: str) -> str:
    # WordPress writes some attributes in double quotes, others in single quotes.
    found = re.search(rf"""\s{name}=(["'])(.*?)\1""", tag, re.S)
    return html.unescape(found.group(2)) if found else ""


def form_fields(page: str, marker: str) -> dict[str, str]:
    """The named inputs of the first <form> whose HTML contains ``marker``."""
    for form in re.findall(r"<form\b.*?</form>", page, re.S):
        if marker in form:
            fields: dict[str, str] = {}
            for tag in re.findall(r"<input\b[^>]*>", form):
                name, value = _attribute(tag, "name"), _attribute(tag, "value")
                if name and _attribute(tag, "type") not in ("checkbox", "radio"):
                    fields[name] = value
            for tag in re.findall(r"<textarea\b[^>]*>", form):
                fields[_attribute(tag, "name")] = ""
            return fields
    raise AssertionError(f"no form with {marker!r} in the page")


@dataclass
class WordPressSite:
    """A running WordPress: its URL, its admin session, its database and logs."""

    url: str
    database: str
    content: Path
    debug_log: Path
    causerie: LiveServer
    key: str
    admin: httpx.Client = field(init=False)
    # The page WordPress showed right after the key was entered.
    key_entered: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.admin = httpx.Client(base_url=self.url, timeout=60)

    def visitor(self) -> httpx.Client:
        """A fresh visitor's browser: no cookies."""
        return httpx.Client(base_url=self.url, timeout=60)

    def admin_page(self, path: str) -> str:
        """An admin page's HTML (the admin is logged in)."""
        response = self.admin.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code, response.text[-500:])
        return response.text

    def sql(self, query: str) -> list[list[str]]:
        """Rows of a query on the site's database."""
        return mariadb(query, self.database)

    def option(self, name: str) -> str:
        """One row of wp_options (empty if absent)."""
        rows = self.sql(f"SELECT option_value FROM wp_options WHERE option_name = '{name}'")
        return rows[0][0] if rows else ""

    def php_problems(self) -> list[str]:
        """Warnings, notices and errors PHP logged in the Akismet plugin or the mu-plugin.

        WordPress 6.1 itself logs some on PHP 8.2 (deprecations, install.php's
        undefined variables, wordpress.org unreachable); those are not ours.
        """
        if not self.debug_log.exists():
            return []
        lines = self.debug_log.read_text(errors="replace").splitlines()
        return [
            line
            for line in lines
            if "PHP" in line and ("akismet" in line.lower() or "causerie" in line.lower())
        ]


def _config(database: str, content: Path, debug_log: Path) -> str:
    return f"""<?php
// Written by Causerie's WordPress test (tests/wordpress); removed after it.
define( 'DB_NAME', '{database}' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '{MARIADB_HOST}:{MARIADB_PORT}' );
define( 'WP_CONTENT_DIR', '{content}' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '{debug_log}' );
define( 'WP_DEBUG_DISPLAY', false );
// No update checks or news feeds from wordpress.org during the test.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'DISABLE_WP_CRON', true );
"""


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"php -S exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            httpx.get(url + "/readme.html", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("php -S did not start")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process and every process of its group (php -S and its forked workers)."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        # The workers may outlive the main process by a moment: they got the signal too.
        deadline = time.monotonic() + wait
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _group_alive(process.pid):
            return


def _group_alive(group: int) -> bool:
    """True while a process of the group runs (one exited, waiting to be reaped, does not)."""
    for process in psutil.process_iter(["status"]):
        with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
            if process.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) == group:
                return True
    return False


def _cli(server: LiveServer, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "causerie", *args],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def _install(site: WordPressSite) -> None:
    """wp-admin/install.php as an admin fills it in, then sign in."""
    form = {
        "weblog_title": "Le Quotidien du Test",
        "user_name": ADMIN,
        "admin_password": PASSWORD,
        "admin_password2": PASSWORD,
        "pw_weak": "on",
        "admin_email": "redaction@quotidien.example",
        "blog_public": "0",
        "language": "",
        "Submit": "Install WordPress",
    }
    done = site.admin.post("/wp-admin/install.php?step=2", data=form)
    assert done.status_code == 200 and "Success!" in done.text, done.text[-1500:]
    # The site is French: WordPress sends its locale as blog_lang (fr_FR).
    # (Settings → General lists only installed translations: set the option itself.)
    site.sql(
        "INSERT INTO wp_options (option_name, option_value, autoload) "
        "VALUES ('WPLANG', 'fr_FR', 'yes') ON DUPLICATE KEY UPDATE option_value = 'fr_FR'"
    )
    site.admin.cookies.set("wordpress_test_cookie", "WP Cookie check")
    login = {
        "log": ADMIN,
        "pwd": PASSWORD,
        "wp-submit": "Log In",
        "redirect_to": site.url + "/wp-admin/",
        "testcookie": "1",
    }
    done = site.admin.post("/wp-login.php", data=login)
    assert done.status_code == 302, done.text[-1500:]


def enter_key(site: WordPressSite) -> str:
    """Settings → Akismet → "Manually enter an API key" → Connect, as an admin does."""
    page = site.admin_page(SETTINGS)
    fields = form_fields(page, 'value="enter-key"')
    fields["key"] = site.key
    done = site.admin.post(SETTINGS, data=fields)
    assert done.status_code == 200, done.text[-1500:]
    return done.text


def activate_akismet(site: WordPressSite) -> None:
    """Plugins → Akismet → Activate, following the page's own link and nonce."""
    page = site.admin_page("/wp-admin/plugins.php")
    link = re.search(r'href="(plugins\.php\?action=activate&amp;plugin=akismet[^"]+)"', page)
    assert link, "no Activate link for Akismet"
    done = site.admin.get("/wp-admin/" + html.unescape(link.group(1)))
    assert done.status_code == 302


@pytest.fixture(scope="module")
def wordpress(
    wordpress_packages: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WordPressSite]:
    """WordPress installed, Akismet activated, the mu-plugin in place, Causerie serving."""
    tmp = tmp_path_factory.mktemp("wordpress")
    causerie = start_server(
        {"CAUSERIE_DATABASE_URL": f"sqlite:///{tmp / 'causerie.db'}"}, tmp / "causerie.log"
    )
    name = "causerie-test-" + secrets.token_hex(4)
    database = name.replace("-", "_")
    config = DEBIAN_CONFIG_DIR / f"config-{name}.php"
    content = tmp / "wp-content"
    php: subprocess.Popen[bytes] | None = None
    try:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        key = _cli(causerie, "key", "create", "--site", url).strip()
        (content / "plugins").mkdir(parents=True)
        (content / "themes").mkdir()
        (content / "mu-plugins").mkdir()
        (content / "plugins" / "akismet").symlink_to(PLUGIN)
        (content / "themes" / "twentytwentythree").symlink_to(THEME)
        mu_plugin = _cli(causerie, "wordpress", "mu-plugin", "--url", causerie.url)
        (content / "mu-plugins" / "causerie-akismet.php").write_text(mu_plugin)
        (content / "mu-plugins" / "test-scaffolding.php").write_text(SCAFFOLDING)
        mariadb(f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        debug_log = tmp / "php-debug.log"
        try:
            config.write_text(_config(database, content, debug_log))
        except OSError as exc:
            _unavailable("WordPress", f"cannot write {config}: {exc}")
        # What Apache's "SetEnv WORDPRESS_CONFIG" does for Debian's wp-config.php.
        prepend = tmp / "debian-config-name.php"
        prepend.write_text(f"<?php $_SERVER['WORDPRESS_CONFIG'] = '{name}';\n")
        php_log = tmp / "php-server.log"
        php = subprocess.Popen(
            [
                "php",
                "-d",
                f"auto_prepend_file={prepend}",
                "-S",
                f"127.0.0.1:{port}",
                "-t",
                str(WORDPRESS),
            ],
            env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
            stdout=php_log.open("ab"),
            stderr=subprocess.STDOUT,
            # Its own process group: the workers it forks are stopped with it.
            start_new_session=True,
        )
        _wait_for(url, php, php_log)
        site = WordPressSite(url, database, content, debug_log, causerie, key)
        _install(site)
        activate_akismet(site)
        site.key_entered = enter_key(site)
        yield site
        site.admin.close()
    finally:
        if php is not None:
            stop_group(php)
        causerie.stop()
        config.unlink(missing_ok=True)
        mariadb(f"DROP DATABASE IF EXISTS {database}")
