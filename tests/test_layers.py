"""The house's import rules, checked on the source: the domain knows no web, no SQL, no store.

``core/`` may use the store's contracts (``store/contracts``) and records
(``store/records.py``) but no store implementation, no SQLAlchemy, no
FastAPI/Starlette and no HTTP status codes; ``api/`` never imports the app
factory; the contracts and records themselves import nothing of SQL. The
domain says *what* to send and the channels say *how*: ``notify/`` imports
``core/``, never the other way. No two top-level packages import each other,
even through a third.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import causerie

PACKAGE = Path(causerie.__file__).parent

CONTRACT_MODULES = ("causerie.store.records", "causerie.store.contracts")
# The one question HTTP asks the database layer: does this exception mean an outage (503)?
API_MAY_ASK_THE_DATABASE = ("causerie.store.database", "causerie.store.database.is_unavailable")
# The channels (SMTP, HTTP, live updates, Atom): they import core/, core/ never imports them.
NOTIFY = ("causerie.notify",)
WEB_OR_SQL = ("fastapi", "starlette", "sqlalchemy", "http", "causerie.api", "causerie.app")


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports (``from x import y`` gives ``x`` and ``x.y``), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_rules_see_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy.orm\nfrom causerie.store import comments\n")
    assert [m for _, m in imports_of(sample)] == [
        "sqlalchemy.orm",
        "causerie.store",
        "causerie.store.comments",
    ]


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: p.name)
def test_core_imports_no_web_no_sql_and_only_store_contracts(path: Path) -> None:
    wrong = []
    for line, module in imports_of(path):
        if _within(module, WEB_OR_SQL):
            wrong.append(f"{path.name}:{line} imports {module}")
        elif _is_store_implementation(module):
            wrong.append(f"{path.name}:{line} imports the store implementation {module}")
    assert wrong == []


def _is_store_implementation(module: str) -> bool:
    inside = _within(module, ("causerie.store",)) and module != "causerie.store"
    return inside and not _within(module, CONTRACT_MODULES)


def http_statuses_in(path: Path) -> list[str]:
    """Where a file speaks HTTP: ``status_code``, ``HTTPStatus``, or a status given to an error."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = getattr(node, "id", None) or getattr(node, "attr", None)
        if name in ("status_code", "HTTPStatus"):
            found.append(f"{path.name}:{node.lineno} {name}")  # type: ignore[attr-defined]
        if isinstance(node, ast.Call) and _error_name(node.func):
            error = _error_name(node.func)
            ints = [a for a in node.args if isinstance(a, ast.Constant) and type(a.value) is int]
            found += [f"{path.name}:{node.lineno} {error}(…, {a.value})" for a in ints]
            if any(k.arg == "status" for k in node.keywords):
                found.append(f"{path.name}:{node.lineno} {error}(status=…)")
    return found


def _error_name(func: ast.expr) -> str:
    name = getattr(func, "id", None) or getattr(func, "attr", "")
    kinds = ("Error", "NotFound", "Forbidden", "Conflict", "Invalid", "Limited", "Authenticated")
    return name if any(k in name for k in kinds) else ""


def test_the_status_check_sees_a_status(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'raise CauserieError("thread_closed", 403)\nraise Forbidden("x", status=403)\n'
    )
    assert http_statuses_in(sample) == [
        "sample.py:1 CauserieError(…, 403)",
        "sample.py:2 Forbidden(status=…)",
    ]


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: p.name)
def test_core_gives_no_error_an_http_status(path: Path) -> None:
    """Statuses belong to api/http.py; the domain raises kinds of errors."""
    assert http_statuses_in(path) == []


@pytest.mark.parametrize(
    "path",
    [PACKAGE / "store" / "records.py", *_files("store/contracts")],
    ids=lambda p: p.name,
)
def test_contracts_and_records_import_no_sql(path: Path) -> None:
    modules = [m for _, m in imports_of(path)]
    assert [m for m in modules if _within(m, ("sqlalchemy",))] == []
    store_imports = [m for m in modules if _within(m, ("causerie.store",))]
    assert all(_within(m, CONTRACT_MODULES) for m in store_imports), store_imports


@pytest.mark.parametrize("path", [*_files("api"), *_files("core")], ids=lambda p: p.name)
def test_nothing_below_the_factory_imports_it(path: Path) -> None:
    """api/ and core/ never import causerie.app (the factory) nor its install() hooks."""
    modules = [m for _, m in imports_of(path)]
    assert [m for m in modules if _within(m, ("causerie.app",))] == []
    assert "def install(" not in path.read_text(encoding="utf-8")


def test_only_the_factory_writes_app_state() -> None:
    """One place sets what handlers reach (app.state.runtime and app.state.web)."""
    writers = []
    for path in PACKAGE.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"app\.state\.\w+\s*=(?!=)|app\.state\._state", line):
                writers.append(f"{path.relative_to(PACKAGE)}:{n}")
    assert writers == [
        "app.py:" + str(_line_of("app.state.runtime = runtime")),
        "app.py:" + str(_line_of("app.state.web = web")),
    ]


def _line_of(text: str) -> int:
    lines = (PACKAGE / "app.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("path", _files("api"), ids=lambda p: p.name)
def test_api_reaches_storage_only_through_services(path: Path) -> None:
    """HTTP code calls core services; from the store it may name records, never a store."""
    wrong = [
        f"{path.name}:{line} {m}"
        for line, m in imports_of(path)
        if _is_store_implementation(m) and m not in API_MAY_ASK_THE_DATABASE
    ]
    assert wrong == []


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: p.name)
def test_core_imports_nothing_of_the_channels(path: Path) -> None:
    """The domain composes mails and webhook calls; notify/ delivers them (notify → core)."""
    wrong = [f"{path.name}:{line} {m}" for line, m in imports_of(path) if _within(m, NOTIFY)]
    assert wrong == []


def top_level_of(module: str) -> str | None:
    """The top-level package or module of ``causerie`` holding a module (None: not a part)."""
    parts = module.split(".")
    if parts[0] != "causerie" or len(parts) < 2:
        return None
    name = parts[1]
    # ``from causerie import __version__`` names the root package, not a part of it.
    is_part = (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file()
    return name if is_part else None


def package_graph() -> dict[str, set[str]]:
    """Which top-level part of ``causerie`` imports which other, from every import in the source."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).parts
        if relative == ("__init__.py",):
            continue
        own = relative[0] if len(relative) > 1 else path.stem
        edges = graph.setdefault(own, set())
        for _, module in imports_of(path):
            other = top_level_of(module)
            if other is not None and other != own:
                edges.add(other)
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle_through_a_third_package() -> None:
    graph = {"core": {"store"}, "notify": {"core"}, "store": {"notify"}, "api": {"core"}}
    assert cycles(graph) == [["core", "notify", "store"]]
    assert cycles({"core": {"store"}, "notify": {"core"}}) == []


def test_the_graph_sees_the_packages_and_their_imports() -> None:
    graph = package_graph()
    assert {"api", "core", "notify", "store", "runtime", "app", "cli"} <= set(graph)
    assert "core" in graph["notify"] and "store" in graph["core"]


def test_no_import_cycle_between_top_level_packages() -> None:
    """Layers stay one-way: no package reaches back to one that imports it."""
    assert cycles(package_graph()) == []


def test_the_package_root_holds_the_entry_points_only() -> None:
    """Code goes in a package; the root shows where things start (the CLI is ``cli/``)."""
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == [
        "__init__.py",
        "__main__.py",
        "app.py",
        "asgi.py",
        "config.py",
        "runtime.py",
    ]
    assert (PACKAGE / "cli" / "__init__.py").is_file()
