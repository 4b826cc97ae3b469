from flask import Blueprint

bp = Blueprint("contests", __name__)


@bp.get("/")
def home():
    return "home"


@bp.get("/editions")
def archive():
    return "archive"


@bp.get("/manage/editions")
def manage_list():
    return "editions"
