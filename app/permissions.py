"""The one `can` namespace: every domain's permission predicates, for routes and templates alike.

Each domain keeps its own named questions in `<domain>/permissions.py` and lists them in `__all__`; this
module gathers them so that `can.can_score(user, assignment)` reads the same in a route and in a template,
and a hidden button never disagrees with a refused request.
"""

from app.auth import permissions as _auth
from app.certificates import permissions as _certificates
from app.contests import permissions as _contests
from app.emails import permissions as _emails
from app.judging import permissions as _judging
from app.privacy import permissions as _privacy
from app.ranking import permissions as _ranking
from app.results import permissions as _results
from app.site import permissions as _site
from app.submissions import permissions as _submissions

DOMAINS = (
    _auth,
    _contests,
    _submissions,
    _judging,
    _ranking,
    _certificates,
    _results,
    _site,
    _emails,
    _privacy,
)


def _gather() -> dict:
    predicates: dict = {}
    for module in DOMAINS:
        for name in module.__all__:
            if name in predicates:
                raise RuntimeError(f"permission {name} is defined by two domains")
            predicates[name] = getattr(module, name)
    return predicates


globals().update(_gather())
