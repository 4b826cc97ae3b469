"""Configuration classes, read from the environment (see .env.example)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

PLACEHOLDER_SECRET_KEYS = {"", "dev", "change-me", "development-only-secret-key"}


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'prizejury.sqlite3'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE_DIR / "uploads")
    CERTIFICATE_FOLDER = os.environ.get("CERTIFICATE_FOLDER") or str(INSTANCE_DIR / "certificates")
    # Files made by jobs for organisers (the certificates' ZIP, the jury report, exports): app/prepared/.
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER") or str(INSTANCE_DIR / "exports")
    MAX_ATTACHMENTS = int(os.environ.get("MAX_ATTACHMENTS", "10"))
    MAX_ATTACHMENT_MB = int(os.environ.get("MAX_ATTACHMENT_MB", "20"))
    # The whole request may carry one attachment plus the form around it.
    MAX_CONTENT_LENGTH = (MAX_ATTACHMENT_MB + 1) * 1024 * 1024
    # Decompression bombs (app/file_checks.py): a DOCX or ODT (a ZIP archive) may unpack to at most this many
    # MB in all, this many times its own size, in this many entries; an image may have this many million
    # pixels (Pillow refuses past 178 whatever this says). Real documents stay far below.
    MAX_ARCHIVE_UNPACKED_MB = int(os.environ.get("MAX_ARCHIVE_UNPACKED_MB", "100"))
    MAX_ARCHIVE_RATIO = int(os.environ.get("MAX_ARCHIVE_RATIO", "100"))
    MAX_ARCHIVE_ENTRIES = int(os.environ.get("MAX_ARCHIVE_ENTRIES", "1000"))
    MAX_IMAGE_MEGAPIXELS = int(os.environ.get("MAX_IMAGE_MEGAPIXELS", "90"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "prizejury <no-reply@prizejury.local>")
    # "console" prints messages instead of sending them (development); the workers send them (app/mail).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    # An email a worker started sending this many seconds ago without finishing is sent again.
    MAIL_JOB_LEASE = int(os.environ.get("MAIL_JOB_LEASE", "300"))

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take the pages with it: the limits fall back to this process's memory.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"  # Strasbourg
    # The language of `flask ...` commands' messages; unset, the system's (LANG). See app/i18n.py.
    COMMAND_LINE_LANGUAGE = os.environ.get("COMMAND_LINE_LANGUAGE")
    DISPLAY_TIMEZONE = "Europe/Paris"

    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    DEMO_DATA_ALLOWED = True

    # The background jobs' queue (app/jobs.py): redis://... in production, a SQLite file by default.
    JOBS_QUEUE_URL = os.environ.get("JOBS_QUEUE_URL") or f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite3'}"
    # Run each job at once where it is queued, with no worker (the tests).
    JOBS_EAGER = _bool("JOBS_EAGER")
    # Worker processes started by one `flask worker` (it runs the jobs; a job renders one certificate).
    JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", "2"))
    # A certificate a worker started rendering this many seconds ago without finishing is rendered again.
    CERTIFICATE_JOB_LEASE = int(os.environ.get("CERTIFICATE_JOB_LEASE", "600"))
    # A prepared file a worker started this many seconds ago without finishing is made again.
    PREPARED_FILE_LEASE = int(os.environ.get("PREPARED_FILE_LEASE", "1800"))
    # Prepared files are removed this many days after they were asked for (ask again to have a new one).
    PREPARED_FILE_DAYS = int(os.environ.get("PREPARED_FILE_DAYS", "7"))
    PASSWORD_HASH_FAST = False


class DevelopmentConfig(Config):
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    MAIL_SUPPRESS_SEND = True
    MAIL_BACKEND = "capture"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    PUBLIC_BASE_URL = "http://localhost"  # the test client's own address
    COMMAND_LINE_LANGUAGE = "en"  # whatever the machine's LANG
    JOBS_EAGER = True
    # Tests hash thousands of passwords: a cheaper argon2 profile keeps them quick.
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_DATA_ALLOWED = False

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start without a real secret key."""
        key = config.get("SECRET_KEY") or ""
        if key in PLACEHOLDER_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
