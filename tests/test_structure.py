"""The layering of docs/layout.md, measured from the code: imports run one way between the layers
(lazy imports inside functions included), no import cycles between modules, no module imports
another's underscored names, no module over 400 lines."""

import ast
from pathlib import Path

import kagglekit

SRC = Path(kagglekit.__file__).resolve().parent
LAYERS = {"data": 1, "features": 2, "models": 3, "pipelines": 4, "evaluation": 5,
          "ensembling": 6, "tuning": 6, "reports": 6, "submissions": 6, "runs": 6, "kaggle": 6,
          "persistence": 6, "experiments": 7, "jobs": 7, "cli": 8}
"""Each layer's rank: a module may import only from its own rank or below (modules outside
these folders, such as errors and fileio, are the ground every layer stands on)."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.with_suffix("").relative_to(SRC.parent).parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path):
    """``(imported module, imported name)`` for every kagglekit import of a module."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in MODULES else base), alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


EDGES = {m: {(t, n) for t, n in _imports(m, p) if t in MODULES and t != m}
         for m, p in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_imports_run_one_way_between_layers():
    upward = sorted(f"{m} -> {t}" for m, edges in EDGES.items() for t, _ in edges
                    if _layer(m) and _layer(t) and _layer(t) > _layer(m))
    assert upward == []


def test_no_module_imports_another_modules_underscored_names():
    private = sorted(f"{m} <- {t}.{n}" for m, edges in EDGES.items() for t, n in edges
                     if n and n.startswith("_") and not n.startswith("__"))
    assert private == []


def test_no_import_cycles_between_modules():
    graph = {m: {t for t, _ in edges if MODULES[t].name != "__init__.py"}
             for m, edges in EDGES.items() if MODULES[m].name != "__init__.py"}
    cycles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(SRC)): n for p in MODULES.values()
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
