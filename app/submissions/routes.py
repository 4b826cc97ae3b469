from flask import Blueprint

bp = Blueprint("submissions", __name__)


@bp.get("/my")
def dashboard():
    return "dashboard"
