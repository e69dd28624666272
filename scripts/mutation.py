"""Mutation testing with mutmut, one module at a time, each against its own tests.

    .venv/bin/python scripts/mutation.py                 # every module below
    .venv/bin/python scripts/mutation.py api/origins.py  # one module

For each module: the working tree is copied to a temporary folder (mutmut
writes its mutants beside the code, and the tree stays usable meanwhile), a
``[tool.mutmut]`` section limits the mutants to that module and the test run
to the test files that exercise it (SQLite only: the rules do not depend on
the database), mutmut runs, and its counts go to ``mutation-report.json`` and
one line of Markdown per module (the table in docs/testing.md). Survivors are
listed in ``mutation-survivors-<module>.txt``; ``mutmut show NAME`` in the
printed folder shows one.

Slow (minutes per module on two cores), so not part of ``make test``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"

# Module (under src/causerie) -> the tests that exercise it.
MODULES: dict[str, list[str]] = {
    "api/origins.py": ["tests/test_origins_sites.py", "tests/test_origins_guard.py"],
    "core/comments.py": [
        "tests/test_api_comments.py",
        "tests/test_comment_rules.py",
        "tests/test_comment_service.py",
        "tests/test_ratelimit.py",
        "tests/test_errors_localized.py",
    ],
    "core/moderation.py": [
        "tests/moderation/test_queue_actions.py",
        "tests/moderation/test_blocks_settings.py",
        "tests/moderation/test_permissions.py",
        "tests/moderation/test_moderation_details.py",
        "tests/privacy/test_erasure_everywhere.py",
    ],
    "core/privacy.py": [
        "tests/privacy/test_rights.py",
        "tests/privacy/test_retention.py",
        "tests/privacy/test_mail.py",
        "tests/privacy/test_erasure_everywhere.py",
        "tests/privacy/test_notice.py",
        "tests/privacy/test_privacy_details.py",
    ],
}
SKIP = {".venv", "node_modules", "mutants", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def _copy_tree(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not SKIP & set(Path(name).parts):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _config(module: str, tests: list[str]) -> str:
    selection = json.dumps([*tests, "-k", "not postgres and not browser"])
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["src/causerie"]\n'
        f'only_mutate = ["src/causerie/{module}"]\n'
        f"pytest_add_cli_args_test_selection = {selection}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n'
    )


def run(module: str) -> dict[str, object]:
    """Mutate one module in a copy of the tree; return mutmut's counts."""
    work = Path(tempfile.mkdtemp(prefix="causerie-mutation-"))
    _copy_tree(work)
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(_config(module, MODULES[module]))
    started = time.monotonic()
    env = {**os.environ, "CI": ""}  # no PostgreSQL or Chromium needed for these tests
    with (work / "mutmut.log").open("wb") as log:
        subprocess.run(
            [str(MUTMUT), "run", "--max-children", "2"],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    subprocess.run([str(MUTMUT), "export-cicd-stats"], cwd=work, env=env, capture_output=True)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    results = subprocess.run(
        [str(MUTMUT), "results"], cwd=work, env=env, capture_output=True, text=True
    ).stdout
    slug = module.replace("/", "-").removesuffix(".py")
    (ROOT / f"mutation-survivors-{slug}.txt").write_text(results, encoding="utf-8")
    stats.update(module=module, folder=str(work), minutes=round((time.monotonic() - started) / 60))
    return stats


def main(argv: list[str]) -> int:
    """Run the modules asked for (all by default) and print the table rows."""
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")
        return 2
    report_path = ROOT / "mutation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    for module in modules:
        stats = run(module)
        report[module] = stats
        report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        total = int(stats["total"])  # type: ignore[call-overload]
        survived = int(stats["survived"]) + int(stats["no_tests"])  # type: ignore[call-overload]
        share = 100 * survived / total if total else 0.0
        print(
            f"| {module} | {total} | {stats['killed']} | {survived} | {stats['timeout']} "
            f"| {share:.1f} % | {stats['minutes']} min |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
