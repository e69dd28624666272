"""Every picture in the docs is taken by a test and refreshed by ``make docs-images`` alone."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    return load_script("docs_images")


def test_every_picture_of_the_docs_has_a_screen_that_takes_it() -> None:
    script = _script()
    shown = set()
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        shown |= set(re.findall(r"\]\(images/([^)]+)\)", page.read_text(encoding="utf-8")))
    stored = {path.name for path in (ROOT / "docs" / "images").iterdir()}
    screens = {screen.name for screen in script.SCREENS}
    assert shown <= stored, "a page shows a picture that is not in docs/images/"
    assert stored == screens, "each picture in docs/images/ is refreshed by scripts/docs_images.py"


def test_each_screen_names_tests_that_exist_and_save_its_picture() -> None:
    for screen in _script().SCREENS:
        if screen.script:  # taken with others by a script of their own: it names them
            assert not screen.tests and (ROOT / screen.script).is_file(), screen.name
            continue
        for test in screen.tests:
            file, _, name = test.partition("::")
            source = (ROOT / file).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), test
        last = (ROOT / screen.tests[-1].partition("::")[0]).read_text(encoding="utf-8")
        assert f'ARTIFACTS / "{screen.name}"' in last, screen.name


def test_the_make_target_runs_the_script() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^docs-images:.*\n\t.*scripts/docs_images\.py", makefile, re.M)
