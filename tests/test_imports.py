"""Every module of the package imports, and every ``from kagglekit... import name`` anywhere in
``src/`` (inside functions too, where a moved helper would otherwise fail only in a user's
hands) names something that exists."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import kagglekit

SRC = Path(kagglekit.__file__).resolve().parent
# ``__main__`` modules run the program when imported; their imports are checked below.
MODULES = sorted(info.name for info in pkgutil.walk_packages([str(SRC)], "kagglekit.")
                 if not info.name.endswith(".__main__"))


def _imported_names():
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 \
                    and (node.module or "").split(".")[0] == "kagglekit":
                for alias in node.names:
                    yield f"{path.relative_to(SRC.parent)}:{node.lineno}", node.module, alias.name


def test_the_package_has_its_modules():
    assert len(MODULES) > 50 and "kagglekit.cli.commands" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


def test_every_imported_kagglekit_name_exists():
    missing = []
    for where, module, name in _imported_names():
        try:
            target = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"{where}: {module} ({exc})")
            continue
        submodule = hasattr(target, "__path__") \
            and importlib.util.find_spec(f"{module}.{name}") is not None
        if name != "*" and not hasattr(target, name) and not submodule:
            missing.append(f"{where}: {name} from {module}")
    assert not missing, "unresolved imports:\n" + "\n".join(missing)
