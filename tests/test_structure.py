"""Structure of the code base: no import cycle anywhere in the four packages.

Every ``import`` statement counts, wherever it sits: one inside a function or under
``TYPE_CHECKING`` still ties the two modules together, and hiding a cycle that way is exactly
what this test exists to stop. The layer contracts (which package may import which) are
checked by ``make lint`` (ruff's banned-import rules in ``pyproject.toml``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "recommender", "service", "vision")


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, modules: set[str], package: str) -> set[str]:
    """The project modules one import statement names (a submodule when it names one)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    base = node.module or ""
    if node.level:  # relative: ``from . import x`` is relative to the importing package
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parts, base] if base else parts)
    found = {f"{base}.{alias.name}" for alias in node.names} & modules
    return found or ({base} & modules)


def import_graph(root: Path = REPO, packages: tuple[str, ...] = PACKAGES) -> nx.DiGraph:
    """Directed graph of the project's modules, an edge for every import between two of them."""
    files = {
        _module_name(path, root): path
        for package in packages
        for path in (root / package).rglob("*.py")
    }
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(files)
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(node, set(files), package) - {module}:
                    graph.add_edge(module, target)
    return graph


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def test_the_walker_sees_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from . import a\n    return a\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph.has_edge("pkg.a", "pkg.b")
    assert graph.has_edge("pkg.b", "pkg.a")  # relative, inside a function


def test_every_user_facing_error_is_in_the_drawn_tree() -> None:
    import service.errors as errors

    tree = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.AtelierError)
    }
    drawn = errors.__doc__ or ""
    assert [name for name in sorted(tree) if f" {name} " not in drawn] == []
    elsewhere = [
        f"{path.relative_to(REPO)}: {node.name}"
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if path != REPO / "service" / "errors.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(b, ast.Name | ast.Attribute) and ast.unparse(b).split(".")[-1] in tree
            for b in node.bases
        )
    ]
    assert elsewhere == [], "user-facing errors belong in service/errors.py"
