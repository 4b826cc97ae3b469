from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.post("/logout")
def logout():
    return "logout"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.get("/account")
def account():
    return "account"


@bp.get("/manage/people")
def people():
    return "people"
