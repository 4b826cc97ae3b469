from flask import Blueprint

bp = Blueprint("judging", __name__)


@bp.get("/jury")
def dashboard():
    return "jury"
