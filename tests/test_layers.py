"""The layer rule of docs/design.md, checked on the source: dependencies point one way.

- Domains, lowest first: auth → contests → submissions → judging → ranking → certificates → results → site
  → emails → privacy.
  A domain's models, services, forms and pure modules import only their own or lower domains.
- Route modules (`routes.py`, a `routes/` package) and command modules (`cli.py`) may use any domain.
- Only route modules import forms and routes.
- Infrastructure (`app/db.py`, `extensions.py`, `formatting.py`, `i18n.py`, `mail/`, `links.py`,
  `countries.py`, `web.py`, `caching.py`, `ordinals.py`, `jobs.py`, `audit/`, `prepared/`, `ops/`, `storage/`,
  `file_checks.py`, `validators.py`) imports no domain.
- Pure modules import nothing from Flask, SQLAlchemy or `app`, other pure modules (`app/ordinals.py`) aside.
- The application's own assembly (`app/__init__.py`, `app/permissions.py`, `app/cli.py`, the demo) sits on
  top and may import anything.

Every import counts, at module level or inside a function or an `if TYPE_CHECKING:` block.
"""

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

DOMAINS = (
    "auth",
    "contests",
    "submissions",
    "judging",
    "ranking",
    "certificates",
    "results",
    "site",
    "emails",
    "privacy",
)
INFRASTRUCTURE = (
    "db",
    "extensions",
    "formatting",
    "i18n",
    "mail",
    "jobs",
    "prepared",
    "storage",
    "links",
    "countries",
    "web",
    "caching",
    "shared_cache",
    "audit",
    "backup",
    "ordinals",
    "languages",
    "ops",
    "file_checks",
    "validators",
)
ASSEMBLY = ("__init__", "permissions", "cli", "demo", "demo_data")
PURE = (
    "ranking/scoring.py",
    "ranking/panel.py",
    "ranking/strip.py",
    "judging/allocation.py",
    "certificates/content.py",
    "certificates/look.py",
    "ordinals.py",
    "languages.py",
)
FRAMEWORKS = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "sqlalchemy",
    "werkzeug",
)


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"app/{self.module}:{self.line} imports {self.imported}: {self.rule}"


def _imported_modules(tree: ast.AST, app_dir: Path):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            package = app_dir.parent.joinpath(*node.module.split("."))
            for alias in node.names:  # `from app.judging import forms` imports the module app.judging.forms
                is_module = (package / f"{alias.name}.py").is_file() or (package / alias.name).is_dir()
                yield node.lineno, f"{node.module}.{alias.name}" if is_module else node.module


def _is_route_module(parts: tuple[str, ...]) -> bool:
    return parts[-1] in ("routes.py", "cli.py") or "routes" in parts[:-1]


def _is_view_module(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 3 and (parts[2] in ("forms", "routes"))


def violations(app_dir: Path = APP) -> list[Violation]:
    found = []
    for path in sorted(app_dir.rglob("*.py")):
        relative = path.relative_to(app_dir)
        parts = relative.parts
        top = parts[0].removesuffix(".py")
        if top in ASSEMBLY and len(parts) == 1:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, name in _imported_modules(tree, app_dir):
            pieces = name.split(".")
            found.extend(
                Violation(relative.as_posix(), line, name, rule)
                for rule in _broken_rules(relative, parts, top, pieces)
            )
    return sorted(set(found), key=lambda v: (v.module, v.line, v.imported))


def _broken_rules(relative: Path, parts: tuple[str, ...], top: str, pieces: list[str]):
    name = ".".join(pieces)
    if relative.as_posix() in PURE:
        other_pure = pieces[0] == "app" and "/".join(pieces[1:]) + ".py" in PURE
        if (pieces[0] == "app" and not other_pure) or pieces[0] in FRAMEWORKS:
            yield "a pure module imports nothing from Flask, SQLAlchemy or app"
        return
    if pieces[0] != "app" or len(pieces) < 2:
        return
    target = pieces[1]
    if top in INFRASTRUCTURE:
        if target in DOMAINS or target in ASSEMBLY:
            yield "infrastructure imports no domain"
        return
    if top not in DOMAINS:
        return
    route = _is_route_module(parts)
    if target in ASSEMBLY and not route:
        yield "a domain does not import the application's assembly"
    if not route and _is_view_module(name):
        yield "only route modules import forms and routes"
    if not route and target in DOMAINS and DOMAINS.index(target) > DOMAINS.index(top):
        yield f"{top} sits below {target}: import only your own or lower domains"


def test_layers_hold():
    found = violations()
    assert not found, "\n".join(str(v) for v in found)


def test_pure_modules_exist():
    for module in PURE:
        assert (APP / module).is_file(), module


def _planted(tmp_path: Path, module: str, line: str) -> list[Violation]:
    copy = tmp_path / "app"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    target = copy / module
    target.write_text(target.read_text() + f"\n\ndef _planted():\n    {line}\n")
    before = {(v.module, v.imported, v.rule) for v in violations()}
    return [v for v in violations(copy) if (v.module, v.imported, v.rule) not in before]


def test_planted_upward_import_fails(tmp_path):
    found = _planted(tmp_path, "auth/models.py", "from app.results.models import PublicationPlan")
    assert [(v.module, v.imported, v.rule) for v in found] == [
        (
            "auth/models.py",
            "app.results.models",
            "auth sits below results: import only your own or lower domains",
        )
    ]


def test_planted_form_import_in_a_service_fails(tmp_path):
    found = _planted(tmp_path, "submissions/models.py", "from app.submissions import forms")
    assert {v.rule for v in found} == {"only route modules import forms and routes"}


def test_planted_domain_import_in_infrastructure_fails(tmp_path):
    found = _planted(tmp_path, "mail/delivery.py", "import app.auth.models")
    assert [v.rule for v in found] == ["infrastructure imports no domain"]


def test_planted_flask_import_in_a_pure_module_fails(tmp_path):
    found = _planted(tmp_path, "ranking/scoring.py", "import flask")
    assert [v.rule for v in found] == ["a pure module imports nothing from Flask, SQLAlchemy or app"]


def test_route_modules_may_use_any_domain(tmp_path):
    assert _planted(tmp_path, "auth/routes/people.py", "from app.results import models") == []
