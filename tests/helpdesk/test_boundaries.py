"""The app boundaries are contracts (import-linter, in pyproject.toml) that `make lint` checks: they hold
on the tree, and an import that crosses one, at module or function level, breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every package the contracts name, read from the contracts themselves so a new app is never left out.
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def inject(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n\n{line}\n")


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_them_too(tree_copy):
    assert lint_imports(tree_copy).returncode == 0


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # tickets is at the bottom of the product apps, even inside a function
        ("tickets/selectors.py", "def _f():\n    import policies  # noqa", "tickets is not allowed to import policies"),
        # helpdesk/ is configuration: no product app
        ("helpdesk/roles.py", "from tickets import models  # noqa", "helpdesk is not allowed to import tickets"),
        # feedback reads compensation through tickets' registry, never from policies
        (
            "feedback/selectors.py",
            "from policies import selectors  # noqa",
            "feedback is not allowed to import policies",
        ),
        # a service importing the tasks module that calls it back closes a cycle
        ("logistics/services/shipments.py", "def _f():\n    from ..tasks import match_order  # noqa", "No cycles"),
        # customer insight sits beside the reports: tickets reach it only through their care hook
        (
            "tickets/services/sla.py",
            "def _f():\n    import insights  # noqa",
            "tickets is not allowed to import insights",
        ),
        ("insights/selectors.py", "from reports import access  # noqa", "insights is not allowed to import reports"),
        # the private helpers of tickets' services stay private
        (
            "policies/services/approval_deadlines.py",
            "from tickets.services._common import ensure_can_work  # noqa",
            "Private modules",
        ),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tree_copy, module, line, broken):
    inject(tree_copy / module, line)

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert broken in result.stdout, result.stdout


def test_no_contract_is_kept_by_exemptions():
    """No cycle or private import is waved through: a function-level import that closes a cycle
    cannot hide in an `ignore_imports` list (grep: `ignore_imports` appears in no contract)."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {c["type"] for c in contracts} >= {"layers", "acyclic_siblings", "private_modules"}
    assert [c["name"] for c in contracts if c.get("ignore_imports")] == []


def test_a_function_level_import_that_closes_a_cycle_in_the_intake_breaks_the_contract(tree_copy):
    # the services of tickets reach the channels only through the registry; the channels import them
    inject(tree_copy / "tickets/services/intake.py", "def _f():\n    from ..adapters import email  # noqa")

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "No cycles" in result.stdout, result.stdout
