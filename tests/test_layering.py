"""The import contracts hold the layering: each planted upward or sideways import breaks them.

Each case copies the package, the contracts (pyproject.toml) and tests/layering.py into a
folder of its own, plants one import and runs `lint-imports` there; the untouched copy
passes, so a failure is the plant's. The last cases plant a whole new context, which the
contracts must cover without being edited.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

# (module file, what it is made to import)
PLANTED = [
    ("models/case.py", "shouhou.engine.runner"),  # models → engine
    ("db/base.py", "shouhou.models"),  # db → models
    ("money.py", "shouhou.fields"),  # the bottom → above it
    ("policy/decide.py", "sqlalchemy"),  # a pure core → the database
    ("engine/runner.py", "shouhou.returns.service"),  # the engine → a context
    ("plugins.py", "shouhou.web.templating"),  # the registry → the console
    ("api/deps.py", "shouhou.accounts.service"),  # a toolkit → a context
    ("web/templating.py", "shouhou.cases.service"),
    ("orders/importer.py", "shouhou.web.templating"),  # the service layer → the console
    ("returns/effects.py", "shouhou.api.deps"),  # the service layer → HTTP
    ("returns/schemas.py", "shouhou.returns.service"),  # schemas → their service
    ("returns/repository.py", "shouhou.returns.service"),  # a repository → its service
    ("returns/workflow.py", "shouhou.returns.effects"),  # a declaration → use-case code
    ("returns/pages.py", "shouhou.returns.endpoints"),  # pages → endpoints
    ("repairs/tech_pages.py", "shouhou.repairs.endpoints"),  # pages by another name → endpoints
    ("repairs/registration.py", "shouhou.repairs.tech_pages"),  # the service layer → pages by another name
    ("returns/service.py", "shouhou.orders.repository"),  # another context's repository
    ("portal/pages.py", "shouhou.cases.pages"),  # another context's pages
    ("orders/service.py", "shouhou.app"),  # a context → the assembly
    ("accounts/service.py", "shouhou.returns.service"),  # a cycle: returns already uses accounts
]
NEW_CONTEXT = {
    "__init__.py": "",
    "plugin.py": "from shouhou.surveys import pages\n",
    "service.py": "from shouhou.surveys import repository\n",
    "repository.py": "from shouhou.models import Case\n",
    "pages.py": "from shouhou.surveys import service\nfrom shouhou.web import templating\n",
}


def lint(tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=tmp, capture_output=True, text=True, timeout=120)


def copy(tmp: Path) -> Path:
    shutil.copytree(ROOT / "src" / "shouhou", tmp / "shouhou", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp / "tests").mkdir()
    (tmp / "tests" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "layering.py", tmp / "tests" / "layering.py")
    shutil.copy(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    return tmp


def plant(tmp: Path, module: str, imported: str) -> None:
    path = tmp / "shouhou" / module
    path.write_text(path.read_text() + f"\nimport {imported}  # planted\n")


def test_the_untouched_package_keeps_every_contract(tmp_path):
    run = lint(copy(tmp_path))
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize(("module", "imported"), PLANTED, ids=[f"{m}->{i}" for m, i in PLANTED])
def test_a_planted_import_breaks_a_contract(tmp_path, module, imported):
    tmp = copy(tmp_path)
    plant(tmp, module, imported)
    run = lint(tmp)
    assert run.returncode != 0, f"{module} importing {imported} kept every contract"
    assert "BROKEN" in run.stdout


def new_context(tmp: Path) -> Path:
    folder = tmp / "shouhou" / "surveys"
    folder.mkdir()
    for name, text in NEW_CONTEXT.items():
        (folder / name).write_text(text)
    return folder


def test_a_new_context_that_keeps_the_rules_passes_without_editing_the_contracts(tmp_path):
    tmp = copy(tmp_path)
    new_context(tmp)
    run = lint(tmp)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize(("module", "imported"), [
    ("surveys/service.py", "shouhou.returns.repository"),  # another context's repository
    ("surveys/repository.py", "shouhou.surveys.service"),  # its own service, from below
    ("surveys/service.py", "shouhou.web.templating"),  # the console, below pages
    ("returns/service.py", "shouhou.surveys.repository"),  # its repository, from another context
    ("api/errors.py", "shouhou.surveys.service"),  # a toolkit → the new context
])
def test_a_new_context_is_covered_without_editing_the_contracts(tmp_path, module, imported):
    tmp = copy(tmp_path)
    new_context(tmp)
    plant(tmp, module, imported)
    run = lint(tmp)
    assert run.returncode != 0, f"{module} importing {imported} kept every contract"
