"""The jury's pages, one blueprint for two audiences: the juror's (juror.py) and the organisers' (manage.py).

The blueprint is named "judging"; every endpoint is `judging.<view>`, whichever module holds the view.
"""

from flask import Blueprint

bp = Blueprint("judging", __name__)

from app.judging.routes import juror, manage  # noqa: E402, F401  (the views register on bp)
