"""Pictures of the moderation desk for docs/moderation.md: every screen, fr and ar, desk and phone.

    make docs-images                                                  # these and every other
    .venv/bin/python scripts/dashboard_screens.py                    # into test-artifacts/
    .venv/bin/python scripts/dashboard_screens.py --screens queue,reader --langs ar
    .venv/bin/python scripts/dashboard_screens.py --pictures desk-queue-fr-phone.png --out /tmp/x

Starts its own ``causerie serve`` on a temporary SQLite file, seeds a morning in a
newsroom through the public and admin APIs (``scripts/desk_seed.py``: articles in
French and Arabic, held comments, a reply, spam caught by the shipped filter,
readers' reports, an editors' pick), signs in with a dashboard account made by the
real CLI, and photographs each screen in Debian's Chromium at 1280 × 800 and
390 × 844. It writes into ``test-artifacts/``; ``make docs-images``
(``scripts/docs_images.py``) runs it and copies the pictures into ``docs/images/``,
so new pictures are a deliberate commit. The test suite runs it once into a
temporary folder (tests/moderation/test_desk_screens.py), never into docs/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
EMAIL = "redaction@journal.example"
PASSWORD = "une phrase de passe assez longue"
SITE = "lematin"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
LANGS = ("fr", "ar")

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "bench"))
from dashboard_render import CHROMIUM_ARGS, start  # noqa: E402  (scripts, not packages)
from desk_seed import seed  # noqa: E402


@dataclass(frozen=True)
class Screen:
    """One screen: its name in the file name, and how to reach it from a signed-in desk."""

    name: str
    show: Callable[[Any], None]


def _settled(page: Any) -> None:
    page.wait_for_function("document.body.dataset.busy === '0'")
    page.wait_for_timeout(150)


def _go(hash_: str) -> Callable[[Any], None]:
    def show(page: Any) -> None:
        page.evaluate(f"location.hash = {hash_!r}")
        page.wait_for_function(f"document.querySelector('main').dataset.shown === {hash_!r}")
        _settled(page)

    return show


def _queue(name: str) -> Callable[[Any], None]:
    return _go(f"#/queue/{name}")


def _reader(page: Any) -> None:
    _queue("approved")(page)
    page.locator("#queue > li", has_text="Samira").locator(".history").first.click()
    page.wait_for_selector("dialog.panel .reader-comments")
    _settled(page)


def _help(page: Any) -> None:
    _queue("pending")(page)
    page.keyboard.press("?")
    page.wait_for_selector("dialog.help")


def _rules(page: Any) -> None:
    _go("#/threads")(page)
    page.locator(".thread .actions button").nth(1).click()
    page.wait_for_selector("dialog form.rules")
    _settled(page)


def _menu(page: Any) -> None:
    _queue("pending")(page)
    page.click(".top .menu")
    page.wait_for_selector("#nav.open")


SCREENS = (
    Screen("queue", _queue("pending")),
    Screen("reported", _queue("reported")),
    Screen("spam", _queue("spam")),
    Screen("toxic", _queue("toxic")),
    Screen("reader", _reader),
    Screen("help", _help),
    Screen("articles", _go("#/threads")),
    Screen("rules", _rules),
    Screen("overview", _go("#/overview")),
    Screen("settings", _go("#/settings")),
    Screen("blocks", _go("#/blocks")),
    Screen("notifications", _go("#/notifications")),
    Screen("audit", _go("#/audit")),
    Screen("imports", _go("#/imports")),
    Screen("menu", _menu),
)
ALL = tuple(s.name for s in SCREENS)
PHONE_ONLY = {"menu"}
DESK_ONLY = {"help"}  # a phone has no keyboard to ask for shortcuts


@contextmanager
def server(folder: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real server on a fresh database (the bench's), stopped on the way out."""
    # First comments held, the others published: the morning has both.
    process, url, env = start(folder, CAUSERIE_MODERATION="hold_first")
    try:
        yield url, env
    finally:
        process.terminate()
        process.wait(10)


def add_account(env: dict[str, str]) -> None:
    """The dashboard account, made by the real command line."""
    # An admin sees every site; naming the newsroom's site creates it.
    command = [sys.executable, "-m", "causerie", "user", "add", EMAIL, "--role", "admin"]
    command += ["--site", SITE]
    done = subprocess.run(
        [*command, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit("user add failed: " + done.stderr)


def photograph(url: str, out: Path, wanted: set[str]) -> list[Path]:
    """The pictures named (``picture_names()``), each screen in each language and size."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        chromium = os.environ.get("CAUSERIE_TEST_CHROMIUM", "/usr/bin/chromium")
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for lang in LANGS:
                for size in SIZES:
                    if any(picture_name(n, lang, size) in wanted for n in ("login", *ALL)):
                        written += _one_context(browser, url, out, wanted, lang, size)
        finally:
            browser.close()
    return written


def _one_context(
    browser: Any, url: str, out: Path, wanted: set[str], lang: str, size: str
) -> list[Path]:
    width, height = SIZES[size]
    # bypass_csp: Playwright's waits evaluate strings, which the page's CSP forbids.
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        bypass_csp=True,
        locale={"fr": "fr-FR", "ar": "ar-MA"}[lang],
        timezone_id="Africa/Casablanca",
    )
    page = context.new_page()
    page.goto(f"{url}/admin?lang={lang}&site={SITE}")
    page.wait_for_selector("form.login")
    written = []
    if picture_name("login", lang, size) in wanted:
        written.append(_shot(page, out, "login", lang, size))
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("main > .view")
    _settled(page)
    for screen in SCREENS:
        if picture_name(screen.name, lang, size) in wanted:
            screen.show(page)
            written.append(_shot(page, out, screen.name, lang, size))
            page.keyboard.press("Escape")  # a dialog or the menu, if open
            page.wait_for_timeout(100)
    context.close()
    return written


def picture_name(screen: str, lang: str, size: str) -> str:
    """The file a screen is saved as: ``desk-queue-fr-desktop.png``."""
    return f"desk-{screen}-{lang}-{size}.png"


def picture_names(langs: tuple[str, ...] = LANGS) -> list[str]:
    """Every picture this script takes (scripts/docs_images.py copies them into docs/)."""
    every = ["login", *(s.name for s in SCREENS)]
    return [
        picture_name(name, lang, size)
        for name in every
        for lang in langs
        for size in SIZES
        if not _skipped(name, size)
    ]


def _skipped(name: str, size: str) -> bool:
    return (name in PHONE_ONLY and size != "phone") or (name in DESK_ONLY and size != "desktop")


def _shot(page: Any, out: Path, name: str, lang: str, size: str) -> Path:
    path = out / picture_name(name, lang, size)
    page.mouse.move(0, 0)
    page.screenshot(path=str(path))
    print(f"dashboard-screens: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def main(argv: list[str] | None = None) -> int:
    """Seed a server, photograph the screens; 0 when every picture was taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ARTIFACTS)
    parser.add_argument("--screens", default="", help="comma-separated screens (default: all)")
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--pictures", default="", help="comma-separated file names instead")
    args = parser.parse_args(argv)
    every = picture_names()
    if args.pictures:
        wanted = set(args.pictures.split(","))
    else:
        screens = set(args.screens.split(",")) if args.screens else {"login", *ALL}
        langs = set(args.langs.split(","))
        wanted = {
            picture_name(n, lang, size) for n in screens for lang in langs for size in SIZES
        } & set(every)
    unknown = wanted - set(every)
    if unknown or not wanted:
        parser.error(f"unknown or no picture(s): {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="causerie-screens-") as tmp,
        server(Path(tmp)) as (url, env),
    ):
        add_account(env)
        seed(url, EMAIL, PASSWORD, SITE)
        written = photograph(url, args.out, wanted)
    return 0 if len(written) == len(wanted) else 1


if __name__ == "__main__":
    sys.exit(main())
