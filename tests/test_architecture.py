"""The package keeps its shape (ARCHITECTURE.md): every module imports only from its own
room and the layers below it, importers and cache never import each other, no two
modules import each other (directly or round a loop), no module is over 400 lines and
no function over 80."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analyzer"

#: The layers, bottom first: a room may import its own modules and any room of a lower
#: layer; rooms of one layer never import each other (except the layer-0 modules, which
#: are single modules sharing only names and types).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("columns", "errors", "tables", "units", "atomic", "jsonable"),
    ("importers", "cache"),
    ("features",),
    ("ingest",),
    ("detectors",),
    ("report",),
    ("face",),
)
#: The face: the one library call (api.py), the squad over it (squad/: many athletes on
#: Dask), the command over both, and the package's public names; one room.
FACE = ("api", "cli", "squad", "__init__", "__main__")
LAYER_OF = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    """{dotted module name: path} of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _room(module: str) -> str:
    parts = module.split(".")
    room = "__init__" if len(parts) == 1 else parts[1]
    return "face" if room in FACE else room


def _imports(module: str, path: Path) -> set[str]:
    """Every analyzer module ``module`` imports, at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "analyzer")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "analyzer":
                continue
            for alias in node.names:  # `from pkg import module` imports the module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return found - {module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def test_every_room_has_a_layer_and_is_in_architecture_md():
    doc = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for module in MODULES:
        room = _room(module)
        assert room in LAYER_OF, f"{module}: room {room!r} has no layer in this test and ARCHITECTURE.md"
        name = module.split(".")[-1] if room == "face" else room
        if name not in ("analyzer", "__main__"):
            assert f"`{name}" in doc, f"ARCHITECTURE.md does not describe {name!r}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_arrows(module):
    room = _room(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        other = _room(target)
        if other == room or (LAYER_OF[room] == 0 == LAYER_OF[other]):
            continue
        if LAYER_OF[other] >= LAYER_OF[room]:
            wrong.append(f"{target} (layer {LAYER_OF[other]}: {other})")
    assert not wrong, f"{module} (layer {LAYER_OF[room]}: {room}) imports against the arrows: {wrong}"


def test_no_import_cycles():
    """No module reaches itself by following imports (package __init__ files aside:
    importing a module always runs its package's __init__ first, which is no loop)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH.get(module, ())):
            if MODULES.get(target, Path()).name == "__init__.py" and target != module:
                continue
            if state.get(target) == 1:
                loop = path[path.index(target) :] + [target]
                raise AssertionError(f"import cycle: {' -> '.join(loop)}")
            if state.get(target) is None:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module)


def test_the_check_sees_a_wrong_import(tmp_path):
    """The import walk resolves relative imports: an importer reaching into the cache,
    written the way code here writes imports, is seen as one."""
    fake = tmp_path / "fake.py"
    fake.write_text(
        "from ..cache import Cache\nfrom .. import columns as C\n\ndef f():\n    from ..report import plots\n"
    )
    got = _imports("analyzer.importers.fake", fake)
    assert got == {"analyzer.cache", "analyzer.columns", "analyzer.report.plots"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_are_small(module):
    source = MODULES[module].read_text(encoding="utf-8")
    lines = source.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines (at most {MAX_MODULE_LINES})"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{module}: functions over {MAX_FUNCTION_LINES} lines: {long}"
