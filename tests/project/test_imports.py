"""The import graph: `lint-imports` keeps the contracts of pyproject.toml (the qhsta kernel imports
no app, the apps stay in their layers, no cycle inside a package), and would fail on a break."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "qhsta",
    "orgs",
    "plan",
    "tasks",
    "dashboard",
    "societies",
    "sciencepop",
    "thinktank",
    "ops",
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(folder / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        timeout=300,
    )


def test_the_import_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.fixture
def copy(tmp_path) -> Path:
    """The project's packages and pyproject.toml in a scratch folder, to break on purpose."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.yaml", "data"),
        )
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("qhsta/scoping/pagination.py", "from orgs.models import Organization", "kernel"),
        ("plan/selectors.py", "from dashboard import selectors", "layers"),
        ("tasks/rollups/compute.py", "from .. import jobs", "No import cycle"),
    ],
)
def test_an_arrow_from_the_kernel_upwards_or_a_cycle_breaks_a_contract(copy, module, line, broken):
    with (copy / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    contract = {"kernel": "The qhsta kernel imports no app", "layers": "Apps in layers"}.get(
        broken, broken
    )
    assert any(contract in row and "BROKEN" in row for row in result.stdout.splitlines())
