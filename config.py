"""Configuration classes, read from the environment (see .env.example)."""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

PLACEHOLDER_SECRET_KEYS = {"", "dev", "change-me", "development-only-secret-key"}


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'prizejury.sqlite3'}"


def instance_secret_key(path: str | Path) -> str:
    """The key kept in `path`, made the first time: random, readable by its owner only, then reused.

    Written whole under a temporary name and linked into place, so that two processes starting together
    (`make run` starts the server and the worker) never read a half-written key: the second one's link
    fails and it reads the first one's key.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it; the next start makes a new one.")
    return key


class Config:
    # Unset (or empty), a random key is made once and kept in SECRET_KEY_FILE (app/__init__.py); production
    # refuses to start without one of its own (ProductionConfig.check).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = str(INSTANCE_DIR / "secret_key")
    # How many reverse proxies stand in front of the site, each adding itself to X-Forwarded-For: the client's
    # address, scheme and host are then the ones they forward (Werkzeug's ProxyFix). 0 trusts none of these
    # headers, which any client can write.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Seconds for which browsers and shared caches may keep a public page (home, archive, results, the API).
    PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE_DIR / "uploads")
    CERTIFICATE_FOLDER = os.environ.get("CERTIFICATE_FOLDER") or str(INSTANCE_DIR / "certificates")
    # Files made by jobs for organisers (the certificates' ZIP, the jury report, exports): app/prepared/.
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER") or str(INSTANCE_DIR / "exports")
    # Where those files live (app/storage/): "local" (the folders above) or "s3" (an S3-compatible store:
    # S3_BUCKET, S3_ENDPOINT_URL for one not on AWS, keys under S3_PREFIX; credentials and region are
    # boto3's own AWS_* variables).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    # Downloads, after the permission check: "app" streams the file through the app; "presigned" (S3 only)
    # redirects to a URL of the store valid STORAGE_PRESIGNED_SECONDS seconds.
    STORAGE_DOWNLOADS = os.environ.get("STORAGE_DOWNLOADS", "app").strip().lower()
    STORAGE_PRESIGNED_SECONDS = int(os.environ.get("STORAGE_PRESIGNED_SECONDS", "60"))
    # A stored file no record points at (left by a crash) is removed once it is this many hours old.
    STORAGE_ORPHAN_HOURS = int(os.environ.get("STORAGE_ORPHAN_HOURS", "24"))
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
    # A session ends after this many minutes without a request, and this many hours after signing in
    # whatever the activity (NIST SP 800-63B at AAL2, OWASP ASVS 3.3.2 at level 2: 30 minutes and 12 hours).
    # Pages warn this many minutes before the idle limit and offer to stay signed in (app/auth/sessions.py).
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    SESSION_WARNING_MINUTES = float(os.environ.get("SESSION_WARNING_MINUTES", "5"))

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

    # Rate limits shared by all the site's processes (checked by /readyz when set).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take the pages with it: the limits fall back to this process's memory.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Computed values shared by every process (app/shared_cache.py): in Redis when REDIS_URL is set, else
    # at most CACHE_MEMORY_ITEMS of them in each process. Keys name the data's state, so they only expire;
    # the prefix is followed by a digest of the database's address (installations sharing a Redis stay apart).
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "86400"))
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "prizejury:")
    CACHE_MEMORY_ITEMS = int(os.environ.get("CACHE_MEMORY_ITEMS", "64"))

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
    # Days after an edition's results are published that the attachments of its applications without an
    # award are kept (app/privacy/retention.py deletes them); the laureates' are kept.
    ATTACHMENT_RETENTION_DAYS = int(os.environ.get("ATTACHMENT_RETENTION_DAYS", "365"))
    PASSWORD_HASH_FAST = False

    # Operations (app/ops/): log lines as "json" (production's default) or "text"; their least level.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # Seconds /readyz waits for each dependency (database, Redis, storage, job queue).
    READINESS_TIMEOUT = float(os.environ.get("READINESS_TIMEOUT", "2"))
    # Unhandled errors of the site and the workers go to Sentry when set; the environment defaults to the
    # configuration's name.
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT") or None
    SENTRY_RELEASE = os.environ.get("SENTRY_RELEASE") or None


class DevelopmentConfig(Config):
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = secrets.token_hex(32)  # one per test process: no key of the code's is ever valid
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
    # Whatever the developer's environment says: the tests reach no Redis and report to no Sentry unless
    # they say so.
    REDIS_URL = None
    SENTRY_DSN = None
    LOG_FORMAT = "text"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_DATA_ALLOWED = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    # Error messages and logs show no SQL parameters: they may hold a person's data (an email, a name).
    SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with what is unsafe in production: a missing, placeholder or short secret key
        (every machine must sign with the same real one), rate limits kept per process (each of gunicorn's
        workers would allow the whole limit)."""
        key = config.get("SECRET_KEY") or ""
        if key in PLACEHOLDER_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
            raise RuntimeError(
                "REDIS_URL must be set in production (for example redis://127.0.0.1:6379/0): rate limits "
                "kept in each process's memory would let every worker allow the whole limit."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
