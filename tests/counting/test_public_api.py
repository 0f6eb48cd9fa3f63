"""The counting library's public surface, and its independence from Django."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import hustings.counting

PACKAGE_DIR = Path(hustings.counting.__file__).resolve().parent

EXPORTED = [
    "METHODS",
    "BallotFileError",
    "Constraint",
    "ConstraintSet",
    "CountError",
    "CountResult",
    "InfeasibleConstraints",
    "Method",
    "Profile",
    "Rules",
    "Stage",
    "TieBreak",
    "count",
    "default_seed",
]


def test_the_exported_names_are_pinned() -> None:
    assert hustings.counting.__all__ == EXPORTED


def test_every_public_name_of_the_package_is_exported() -> None:
    public = sorted(
        name
        for name, value in vars(hustings.counting).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    )

    assert public == sorted(EXPORTED)


def test_count_is_the_function_not_the_module_of_the_same_name() -> None:
    # hustings.counting.count is also a submodule; the package must export the function.
    import hustings.counting.count  # loads the submodule, as a caller might

    assert callable(hustings.counting.count)
    assert not isinstance(hustings.counting.count, types.ModuleType)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_the_counting_library_imports_django() -> None:
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert PACKAGE_DIR / "count.py" in sources  # the scan really looks at the library

    offenders = {
        str(path.relative_to(PACKAGE_DIR)): sorted(
            m for m in _imported_modules(path) if m == "django" or m.startswith("django.")
        )
        for path in sources
    }

    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_importing_every_module_of_the_counting_library_loads_no_django() -> None:
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import hustings.counting as package
        loaded = [
            importlib.import_module(info.name).__name__
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        ]
        assert "hustings.counting.methods.block" in loaded, loaded
        django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
        print(",".join(django))
        """
    )

    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""
