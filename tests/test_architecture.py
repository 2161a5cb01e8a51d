"""The arrows point inward: planner depends on nothing of ours, flows on no channel."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

FORBIDDEN = {
    "planner": ("flows", "bot", "telegram", "transitions", "sqlite3", "sqlite_utils", "aiohttp"),
    "flows": ("bot", "telegram", "sqlite3", "sqlite_utils", "aiohttp"),
}


def imported_modules(package: str) -> set[str]:
    """Every module named in an import statement of the package's source."""
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports_in_source(package: str) -> None:
    bad = {name for name in imported_modules(package) if name.split(".")[0] in FORBIDDEN[package]}
    assert bad == set()


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_importing_loads_nothing_forbidden(package: str) -> None:
    """Also catches a forbidden module pulled in indirectly, through a dependency."""
    code = (
        f"import sys, {package}, pkgutil, importlib\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = set(done.stdout.split())
    assert loaded & set(FORBIDDEN[package]) == set()


CORE_MODULES = (
    "bot.actions", "bot.assistant", "bot.commands", "bot.conversation", "bot.store",
    "bot.store.connection", "bot.store.patients", "bot.store.dialogues", "bot.store.reminders",
    "bot.store.audit", "bot.store.schema",
    "bot.store_schema", "bot.terminal",
)  # fmt: skip
"""The channel-neutral core: Telegram is one adapter of it (`bot.tg`), the terminal another."""
ADAPTER = ("telegram", "bot.tg")


def module_imports(module: str) -> set[str]:
    """Every module named in an import statement of one module's source (relative ones resolved)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _adapter(name: str) -> bool:
    return any(name == a or name.startswith(a + ".") for a in ADAPTER)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_the_core_imports_no_telegram(module: str) -> None:
    assert {name for name in module_imports(module) if _adapter(name)} == set()


@pytest.mark.parametrize("module", CORE_MODULES)
def test_importing_the_core_loads_no_telegram(module: str) -> None:
    """Also catches the adapter pulled in indirectly, through another module of ours."""
    code = f"import sys, {module}\nprint(' '.join(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert {name for name in done.stdout.split() if _adapter(name)} == set()


def test_the_adapter_lives_in_bot_tg() -> None:
    """Every module outside `bot.tg` that imports telegram is a test or a benchmark's echo bot."""
    outside = []
    for path in (ROOT / "bot").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if not module.startswith("bot.tg") and any(
            name.split(".")[0] == "telegram" for name in module_imports(module)
        ):
            outside.append(module)
    assert outside == []
