"""An import-linter contract for the business contexts, found by what they hold, not by name.

A context is a subpackage of the root with a `plugin` module (it registers itself), so a
new one is covered the moment it exists, with no edit to the contracts (pyproject.toml):

* modules outside every context, the assembly excepted (app, CLI, worker), import no context;
* a context imports no assembly module;
* a context uses another context only through that context's `service` module (and the
  `schemas` its service takes and gives);
* inside a context, modules import only their own layer or lower ones:
  plugin → endpoints | pages (and *_endpoints, *_pages) → the service layer (every other
  module) → repository → workflow | schemas; endpoints and pages do not import each other;
* below endpoints and pages nothing imports HTTP or the console (`web_toolkits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output

# (layer, may import its own layer's other modules); a module named *_pages or *_endpoints is a
# page or an endpoint module too (a context may split them: tech_pages, portal_pages).
LAYERS = {"plugin": (4, False), "endpoints": (3, True), "pages": (3, True), "repository": (1, False),
          "workflow": (0, True), "schemas": (0, True)}
SERVICE_LAYER = (2, True)
FACES = ("pages", "endpoints")


@dataclass(frozen=True)
class Broken:
    importer: str
    imported: str
    rule: str
    lines: tuple[int, ...]


class ContextsContract(Contract):
    type_name = "contexts"

    root = fields.StringField()
    assembly = fields.ListField(subfield=fields.StringField())  # modules above every context
    public = fields.ListField(subfield=fields.StringField())  # what a context shows the others
    web = fields.ListField(subfield=fields.StringField())  # what only endpoints and pages may use

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)  # type: ignore[attr-defined]
        assembly = {f"{root}.{m}" for m in self.assembly}  # type: ignore[attr-defined]
        public = set(self.public)  # type: ignore[attr-defined]
        web = tuple(self.web)  # type: ignore[attr-defined]
        contexts = sorted(m for m in graph.find_children(root) if f"{m}.plugin" in graph.modules)
        broken = []
        for importer in sorted(m for m in graph.modules if m.startswith(root + ".")):
            mine = _context_of(importer, contexts)
            for imported in graph.find_modules_directly_imported_by(importer):
                if mine is not None and _is_web(imported, web) and _layer(importer[len(mine) + 1:])[0] < 3:
                    rule: str | None = "below endpoints and pages: imports HTTP or the console"
                elif not imported.startswith(root + "."):
                    continue
                else:
                    rule = _rule(importer, imported, mine, _context_of(imported, contexts), assembly, public)
                if rule:
                    details = graph.get_import_details(importer=importer, imported=imported)
                    broken.append(Broken(importer, imported, rule, tuple(d["line_number"] for d in details)))
        return ContractCheck(kept=not broken, metadata={"broken": broken, "contexts": contexts})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for b in check.metadata["broken"]:
            output.print_error(f"- {b.importer} -> {b.imported} (l.{', '.join(map(str, b.lines))}): {b.rule}",
                               bold=False)
            output.new_line()
        output.print(f"Contexts: {', '.join(check.metadata['contexts'])}")


def _context_of(module: str, contexts: list[str]) -> str | None:
    return next((c for c in contexts if module == c or module.startswith(c + ".")), None)


def _is_web(module: str, web: tuple[str, ...]) -> bool:
    return any(module == w or module.startswith(w + ".") for w in web)


def _within(module: str, assembly: set[str]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in assembly)


def _rule(importer: str, imported: str, mine: str | None, theirs: str | None, assembly: set[str],
          public: set[str]) -> str | None:
    """Which rule this import breaks, if any."""
    if mine is None:
        if theirs is not None and not _within(importer, assembly):
            return "below the contexts: imports a context"
        return None
    if _within(imported, assembly):
        return "a context imports the assembly above it"
    if theirs is None:
        return None
    if theirs != mine:
        part = imported[len(theirs) + 1:]
        return None if part.split(".")[0] in public or not part else f"another context's {part}: use its service"
    return _layer_rule(importer[len(mine) + 1:], imported[len(mine) + 1:])


def _layer_rule(importer: str, imported: str) -> str | None:
    if not importer or not imported or importer == imported:
        return None
    if {_face(importer), _face(imported)} == set(FACES):
        return f"{importer} and {imported}: pages and endpoints do not import each other"
    (upper, _), (lower, same_ok) = _layer(importer), _layer(imported)
    if lower > upper:
        return f"{importer} is below {imported} in its context"
    if lower == upper and not same_ok:
        return f"{importer} and {imported} are in one layer and do not import each other"
    return None


def _face(part: str) -> str | None:
    name = part.split(".")[0]
    return next((f for f in FACES if name == f or name.endswith("_" + f)), None)


def _layer(part: str) -> tuple[int, bool]:
    return LAYERS.get(_face(part) or part.split(".")[0], SERVICE_LAYER)
