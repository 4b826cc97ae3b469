"""The application factory."""

import importlib
import logging
import os
from pathlib import Path

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, UnicodeConverter

from app import extensions, i18n, shared_cache, storage
from app import mail as app_mail
from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from config import CONFIGS, ProductionConfig, instance_secret_key

# The modules that declare background jobs (app/jobs.py), how a prepared file is made
# (app/prepared/kinds.py) or which stored files are theirs (app/storage/sweep.py): the web process and the
# workers import the same.
JOB_MODULES = (
    "app.auth.jobs",
    "app.mail.delivery",
    "app.certificates.jobs",
    "app.results.jobs",
    "app.prepared.jobs",
    "app.certificates.prepared",
    "app.ranking.prepared",
    "app.privacy.prepared",
    "app.privacy.retention",
    "app.storage.sweep",
    "app.submissions.storage",
)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = (
        config_name or os.environ.get("PRIZEJURY_CONFIG") or os.environ.get("FLASK_ENV") or "development"
    )
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), instance_relative_config=False)
    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(overrides)
    if config_class is ProductionConfig:
        ProductionConfig.check(app.config)
    ensure_secret_key(app)
    app.config["CONFIG_NAME"] = config_name
    storage.init_app(app)  # the local folders are made here; an S3 bucket must exist already

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_cache_headers(app)
    register_proxy_fix(app)
    register_template_helpers(app)
    register_cli(app)
    register_jobs(app)
    configure_logging(app)
    register_ops(app)
    return app


def ensure_secret_key(app: Flask) -> None:
    """Without SECRET_KEY (development), a random key made once and kept in SECRET_KEY_FILE: no key written
    in the code ever signs a session or an emailed link. Production has refused to start without one."""
    if not app.config.get("SECRET_KEY") and not app.testing:
        app.config["SECRET_KEY"] = instance_secret_key(app.config["SECRET_KEY_FILE"])


def register_proxy_fix(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address (rate limits, the audit log, login
    sessions), scheme and host are the ones the proxies forward; with none, X-Forwarded-* are ignored."""
    trusted = app.config["TRUSTED_PROXIES"]
    if trusted > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted)


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table on the metadata)
    from app.auth.sessions import ask_to_sign_in, check_session, load_user_from_session
    from app.ops.logs import noting_user  # the request's log line names the user the request loaded

    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    extensions.mail.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    shared_cache.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.check_catalogues(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(noting_user(load_user_from_session))
    # To the log-in page with a message in the page's language, then back; a script gets a 401 (sessions.py).
    login_manager.unauthorized_handler(ask_to_sign_in)
    # Sessions end after a time without activity and at most some hours after signing in (sessions.py).
    app.before_request(check_session)
    app.extensions["outbox"] = []
    app_mail.register(app)
    if config_allows_test_domains(app):
        import email_validator

        # The demo and the tests use @demo.test addresses, a reserved domain the validator refuses.
        email_validator.SPECIAL_USE_DOMAIN_NAMES = [
            name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name != "test"
        ]


def config_allows_test_domains(app: Flask) -> bool:
    return app.config["CONFIG_NAME"] != "production"


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class BoundedIntConverter(IntegerConverter):
    """<int:...> that also refuses ids no database column can hold (404, never an overflow 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)  # the id columns are 32-bit on PostgreSQL
        super().__init__(url_map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """<slug>, <code>, <token>: a path part without NUL, which PostgreSQL cannot hold in text even to compare
    it (404, never a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    from app.auth.routes import bp as auth_bp
    from app.certificates.routes import bp as certificates_bp
    from app.contests.routes import bp as contests_bp
    from app.emails.routes import bp as emails_bp
    from app.judging.routes import bp as judging_bp
    from app.privacy.routes import bp as privacy_bp
    from app.ranking.routes import bp as ranking_bp
    from app.results.routes import bp as results_bp
    from app.site.routes import bp as site_bp
    from app.submissions.routes import bp as submissions_bp

    for blueprint in (
        auth_bp,
        contests_bp,
        submissions_bp,
        judging_bp,
        ranking_bp,
        certificates_bp,
        results_bp,
        site_bp,
        emails_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code not in (400, 403, 404, 405, 409, 413, 429, 500):
            code = 500
        return render_template(f"errors/{code}.html", error=error), code

    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, render_error)

    from flask_wtf.csrf import CSRFError

    from app.web import register_domain_errors

    register_domain_errors(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", error=error, csrf=True), 400

    register_unavailable(app)


def register_unavailable(app: Flask) -> None:
    """The database or the file storage cannot be reached: a 503 that says to try again, never a 500.

    The request's transaction is rolled back (its files with it: app/storage/transaction.py), the error is
    logged (and so reported), and the page is the plain 503 when even the error page cannot be drawn.
    """
    from botocore.exceptions import BotoCoreError, ClientError
    from flask import make_response
    from flask_babel import gettext
    from sqlalchemy.exc import DisconnectionError, OperationalError

    def unavailable(error):
        db.session.rollback()
        app.logger.error("a dependency could not be reached (%s)", type(error).__name__, exc_info=error)
        try:
            body = render_template("errors/503.html")
        except Exception:  # the page itself needs what is down (the signed-in user's session row)
            body = gettext("The site is briefly unavailable. Please try again in a minute.")
        response = make_response(body, 503)
        response.headers["Retry-After"] = "30"
        return response

    for error in (BotoCoreError, ClientError, OperationalError, DisconnectionError):
        app.register_error_handler(error, unavailable)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_cache_headers(app: Flask) -> None:
    from app import caching

    caching.register(app)


def register_template_helpers(app: Flask) -> None:
    from app import formatting, permissions
    from app.auth.sessions import session_clock
    from app.certificates.progress import progress_text
    from app.contests.navigation import section_group
    from app.web import page_has_errors

    formatting.register(app)
    app.jinja_env.globals["can"] = permissions
    app.jinja_env.globals["edition_section_group"] = section_group
    app.jinja_env.globals["progress_text"] = progress_text
    app.jinja_env.globals.update(
        current_language=i18n.current_language, languages=i18n.LANGUAGES, language_name=i18n.language_name
    )
    app.jinja_env.filters["marked"] = i18n.marked
    app.jinja_env.globals["page_has_errors"] = page_has_errors
    app.jinja_env.globals["session_clock"] = session_clock


def register_jobs(app: Flask) -> None:
    """Every module that declares jobs, imported, then the queue built (a worker finds the same jobs)."""
    from app import jobs

    for module in JOB_MODULES:
        importlib.import_module(module)
    jobs.init_app(app)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    # The handler and its format (LOG_FORMAT) are app/ops/logs.py's, installed by register_ops.
    # WeasyPrint narrates every rendering step at INFO; its warnings still show.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def register_ops(app: Flask) -> None:
    """Logs, error reports and the health probes (app/ops/)."""
    from app import ops

    ops.init_app(app)
