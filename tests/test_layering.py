"""The package's layering, read from the source: no import circles, no borrowed private names.

Storage (``machstore/storage/``) sits below the engine and never imports it or anything above
it; languages and products import storage through public names only.  These checks parse
every module's imports (including imports inside functions) with ``ast``, so a circle that
only a lazy import hides still fails here.
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = {"machstore": ROOT / "machstore", "machstore.server": ROOT / "server"}


def _modules():
    """``{dotted module name: path}`` of every source module of the installed packages."""
    out = {}
    for package, folder in SOURCES.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([package, *parts])
            if package == "machstore" and parts[:1] == ["server"]:
                continue
            out[name] = path
    return out


MODULES = _modules()


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(module, node):
    """The absolute module an ``ImportFrom`` names (relative imports resolved against ``module``)."""
    if node.level == 0:
        return node.module
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module):
    """``[(imported module, [names taken from it])]`` for every import statement of ``module``."""
    tree = ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            names = [a.name for a in node.names]
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            out.extend((s, []) for s in submodules)
            plain = [n for n in names if f"{target}.{n}" not in MODULES]
            if plain or not submodules:
                out.append((target, plain))
    return out


def _graph():
    graph = {}
    for module in MODULES:
        deps = set()
        for target, _ in _imports(module):
            if target in MODULES and target != module:
                deps.add(target)
        graph[module] = deps
    return graph


def test_the_storage_layer_exists():
    for name in ("catalog", "segments", "blocks", "blocks_ref", "rollups", "rollup", "rollup_ref", "rows",
                 "keys", "codec", "tables", "tagstats", "ingest", "tagingest", "fieldtypes", "results", "users",
                 "passwords"):
        assert f"machstore.storage.{name}" in MODULES, name
        assert f"machstore.{name}" not in MODULES, f"{name} is still beside the engine"


def test_no_import_circles():
    graph = _graph()
    # Package __init__ modules re-export their children; an edge child -> its own package is
    # the package's namespace, not a dependency on it.
    for module, deps in graph.items():
        deps -= {d for d in deps if module.startswith(d + ".") and _is_package(d)}
    circles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                circles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert circles == [], "\n".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("machstore.storage")))
def test_storage_never_imports_what_sits_above_it(module):
    above = ("machstore.engine", "machstore.sql", "machstore.influxql", "machstore.machbase", "machstore.server",
             "machstore.cli", "machstore.config", "machstore.engine_process")
    for target, _ in _imports(module):
        assert not target.startswith(above), f"{module} imports {target}"


def test_no_module_takes_another_modules_private_names():
    borrowed = []
    for module in MODULES:
        for target, names in _imports(module):
            if target in MODULES and target != module:
                borrowed += [f"{module} <- {target}.{n}" for n in names
                             if n.startswith("_") and not n.startswith("__")]
        tree = ast.parse(MODULES[module].read_text())
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(module, node)
                for a in node.names:
                    if f"{target}.{a.name}" in MODULES:
                        aliases[a.asname or a.name] = f"{target}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in MODULES and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and node.attr.startswith("_") and not node.attr.startswith("__"):
                borrowed.append(f"{module} uses {aliases[node.value.id]}.{node.attr}")
    assert borrowed == [], "\n".join(borrowed)
