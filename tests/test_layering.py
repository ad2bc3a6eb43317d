"""The foods package reads words about food on its own: no cycle between its modules, no planner import,
no module borrowing another's private name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FOODS = Path(__file__).resolve().parent.parent / "foods"


def _runtime_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) imported when the file runs; imports under `if TYPE_CHECKING:` are for types only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


MODULES = {p.stem: _runtime_imports(p) for p in FOODS.glob("*.py") if p.stem != "__main__"}


def _foods_deps(name: str) -> set[str]:
    deps = set()
    for module, names in MODULES[name]:
        if module == "foods":
            deps |= {n for n in names if n in MODULES}
            deps.add("__init__")
        elif module.startswith("foods."):
            deps.add(module.split(".")[1])
    return deps - {name}


def test_foods_modules_import_each_other_without_a_cycle():
    graph = {name: _foods_deps(name) - {"__init__"} for name in MODULES if name != "__init__"}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for dep in graph[name]:
            visit(dep, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_foods_knows_nothing_of_planner_and_borrows_no_private_name(name):
    for module, names in MODULES[name]:
        assert not module.startswith(("planner", "dashboard")), f"foods/{name}.py imports {module}"
        private = [n for n in names if n.startswith("_") and module.startswith("foods")]
        assert not private, f"foods/{name}.py imports {module}.{', '.join(private)}"


def test_the_food_words_have_one_home():
    """STOPWORDS, FORM_WORDS and SIZE_WORDS are defined once, in foods.text, and used from there."""
    defined = {}
    for path in [*FOODS.glob("*.py"), *(FOODS.parent / "planner").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    name = getattr(target, "id", "")
                    if name.lstrip("_") in ("STOPWORDS", "FORM_WORDS", "SIZE_WORDS"):
                        defined.setdefault(name.lstrip("_"), []).append(path.name)
    assert defined == {"STOPWORDS": ["text.py"], "FORM_WORDS": ["text.py"], "SIZE_WORDS": ["text.py"]}


PROJECT = FOODS.parent
HOUSE = sorted(p for pkg in ("foods", "planner", "dashboard") for p in (PROJECT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", HOUSE, ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_module_borrows_another_modules_private_name(path):
    for module, names in _runtime_imports(path):
        private = [n for n in names if n.startswith("_") and module.split(".")[0] in ("foods", "planner", "dashboard")]
        assert not private, f"{path.relative_to(PROJECT)} imports {module}.{', '.join(private)}"


def test_the_optimiser_is_one_package_with_a_public_front():
    """planner/optimise/ holds the optimiser; code outside it imports `planner.optimise` names only from its
    front (`planner/optimise/__init__.py`), or a public name of one of its rooms."""
    assert not list((PROJECT / "planner").glob("model*.py")), "the optimiser lives in planner/optimise/"
    import planner.optimise as optimise
    for name in optimise.__all__:
        assert hasattr(optimise, name), name


def test_the_minerals_and_the_5000_g_limit_are_written_once():
    """The minerals (and the day's shown figures) come from foods/nutrients.py, the 5,000 g limit of one food
    from foods/units.py: no other module writes the tuple of minerals or the number again."""
    minerals = {"calcium_mg", "magnesium_mg", "potassium_mg"}
    tuples, limits = [], []
    for path in HOUSE:
        where = str(path.relative_to(PROJECT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                words = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
                if minerals <= words:
                    tuples.append(f"{where}:{node.lineno}")
            elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 5000:
                limits.append(f"{where}:{node.lineno}")
    assert [t.split(":")[0] for t in tuples] == ["foods/nutrients.py"], tuples
    not_grams = ("planner/optimise/strategy.py",                       # a count of options
                 "planner/profile.py", "dashboard/views/profile.py")     # kcal a day
    assert [x.split(":")[0] for x in limits if not x.startswith(not_grams)] == ["foods/units.py"], limits


def test_the_disclaimer_is_written_once():
    """The CLI's help, the plan text, the workbook and the dashboard take it from planner/render.py."""
    holders = [str(p.relative_to(PROJECT)) for p in HOUSE if "does not prescribe" in p.read_text(encoding="utf-8")]
    assert holders == ["planner/render.py"]
