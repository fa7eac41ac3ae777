"""Settings for the property service desk.

One file, driven by the environment (see README "Configuration" and docs/deploy.md):
SQLite by default, PostgreSQL when ``DATABASE_URL`` is set; huey, the cache and the
login throttle on local files by default, on Redis when ``REDIS_URL`` is set; uploads
on the local disk, or on S3-compatible object storage when ``S3_BUCKET`` is set.
Safe by default: DEBUG off, a secret key generated once under ``VAR_DIR``, served on
127.0.0.1; ``HTTPS=1`` switches on secure cookies, HSTS and the redirect to https.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import jinja2
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))  # SQLite files, uploads
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envfloat(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# Keys known to the world: the old development default. A production key is long and random.
PUBLIC_KEYS = {"", "dev-only-insecure-key-change-me"}


def secret_key() -> str:
    """SECRET_KEY from the environment; else one generated on first start and kept in
    VAR_DIR/secret_key (readable by its owner only), so sessions survive a restart."""
    if "SECRET_KEY" in os.environ:
        key = os.environ["SECRET_KEY"].strip()
        if not DEBUG and (key in PUBLIC_KEYS or len(key) < 32):
            raise ImproperlyConfigured(
                "SECRET_KEY is empty, the public development key or shorter than 32 characters; "
                "set a long random one, or leave it unset to have one generated under VAR_DIR."
            )
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(secrets.token_urlsafe(50))
        except FileExistsError:  # another process wrote it first
            pass
    return path.read_text().strip()


SECRET_KEY = secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Covering indexes (INCLUDE) serve PostgreSQL's reads; SQLite builds them without the
# included columns, which is all it needs at its sizes.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Behind a reverse proxy that ends TLS (docs/deploy.md): HTTPS=1.
HTTPS = envbool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a promise to browsers' built-in lists that the domain's owner makes.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the monitor asks on the machine, over plain http
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy every page satisfies: no inline script or style, nothing
# from another site (django-csp). The browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "django_htmx",
    "csp",
    "axes",
    "estates",
    "people",
    "catalog",
    "tickets",
    "repairs",
    "complaints",
    "assistance",
    "contacts",
    "residents",
    "announcements",
    "records",
    "settlement",
    "duty",
    "followups",
    "surveys",
    "reports",
    "onboarding",
    "promises",
    "notify",
    "api",
    "pages",
    "console",
    "field",
    "portal",
    "ops",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "base.middleware.DomainErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "api.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so a locked-out login gets the lockout answer (people.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context.bell",
            ],
        },
    },
    {
        # The long lists' rows only (an app's jinja2/ folder, drawn by pages.templatetags.rows):
        # Jinja2 compiles a template to Python, which places fifty rows several times faster
        # than the template language (docs/performance.md). Rows carry no words of their own.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"undefined": jinja2.StrictUndefined},
    },
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, so that psycopg prepares a statement it has run a
        # few times and PostgreSQL stops planning it on every request (docs/performance.md).
        if envbool("DATABASE_SERVER_SIDE_BINDING", True):
            DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue
            # on the busy timeout instead of failing half-way with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is hashed.
    "people.lockout.LoginThrottle",
    "people.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: a new password revokes the account's API tokens (people.tokens).
    {"NAME": "people.tokens.RevokeTokensOnPasswordChange"},
]
# Password guessing (django-axes): after AXES_FAILURE_LIMIT failures an account, or an
# address, waits AXES_COOLOFF_MINUTES; the console, the admin and the API's token
# endpoint alike. Lockouts are listed in the admin (Axes).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = envfloat("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "people.lockout.lockout_response"
# How many reverse proxies stand in front (docs/deploy.md): the client's address is then
# read from X-Forwarded-For, else every client would share the proxy's and its lockout.
PROXY_COUNT = envint("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "people.lockout.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# Personal API tokens expire after this many days (0: never).
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)
# Each web process remembers the account behind a token or a session for this many
# seconds (no query per request for it); a revoked token, a deactivation or a new password
# reaches the other processes within that time, the changing process at once.
ACCOUNT_CACHE_SECONDS = envint("ACCOUNT_CACHE_SECONDS", envint("API_TOKEN_CACHE_SECONDS", 30))  # its former name
# Each web process remembers reference data it reads on almost every request (categories
# by code, a property's promise limits) for this many seconds; a change made in another
# process is seen within that time, in the changing process at once (0: read every time).
REFERENCE_CACHE_SECONDS = envint("REFERENCE_CACHE_SECONDS", 30)
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # photos come six at a time at most
LOGIN_URL = "/login/"
# A form sent without its token gets the styled refusal in the person's language.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendored browser assets (static/vendor/NAME/)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Static files are served by the app (whitenoise), compressed and with hashed names
# once `manage.py collectstatic` has run (`make run` does).
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFiles"},
}
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    # Uploads (photos, signatures, plans, kept reports) on S3-compatible object storage,
    # shared by every web server and worker (docs/deploy.md).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Background work and shared state ---------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache holds the login throttle and the API's rate limits: shared by every process
# on this machine (files under VAR_DIR), or by every machine (Redis).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis and kept in the database too (one lost Redis costs nothing).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
HUEY_IMMEDIATE = envbool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "servicedesk",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "servicedesk",
        "filename": os.environ.get("HUEY_SQLITE_PATH", str(VAR_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Notices leaving the system (docs/notifications.md) -----------------------------------
# E-mail through SMTP; with no host, e-mails wait in the local outbox page.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "servicedesk@localhost")
# SMS through the office's gateway, an apprise URL (e.g. json://gateway.local/sms); each
# message adds the phone (``to``) and the ticket number. None: the local outbox.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
# A delivery that fails is tried again after 1, 2, 4 ... minutes, NOTIFY_ATTEMPTS times in
# all; one claimed and not finished within NOTIFY_CLAIM_SECONDS is taken up again.
NOTIFY_ATTEMPTS = envint("NOTIFY_ATTEMPTS", 6)
NOTIFY_CLAIM_SECONDS = envint("NOTIFY_CLAIM_SECONDS", 300)
# Off: no notice is written at all (loading an estate's history, or a staging copy of
# the production database that must not message real people).
NOTIFY_ENABLED = envbool("NOTIFY_ENABLED", True)
# How long a resident's one-time sign-in code is good for (docs/residents.md).
SIGN_IN_CODE_MINUTES = envint("SIGN_IN_CODE_MINUTES", 5)
# With no SMS gateway, a sign-in code could only wait in the local outbox, where the desk
# supervisor reads it: allowed for the demo (``make run``) and the tests, refused otherwise.
SIGN_IN_CODES_IN_OUTBOX = envbool("SIGN_IN_CODES_IN_OUTBOX", False)
# How often an open page asks the bell for news.
NOTIFY_BELL_SECONDS = envint("NOTIFY_BELL_SECONDS", 15)
# Where the links in notices lead (the office's address), e.g. https://desk.example.cn
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Backups (ops/backup.py, docs/deploy.md): where the archives go, how many are kept, and
# the age after which the health endpoint says the last one is too old.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = envint("BACKUP_KEEP", 14)
BACKUP_MAX_AGE_HOURS = envint("BACKUP_MAX_AGE_HOURS", 26)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # apprise and urllib3 write the robots' and gateways' full addresses (their keys) at
    # DEBUG and INFO: never below WARNING, whatever LOG_LEVEL says.
    "loggers": {"apprise": {"level": "WARNING"}, "urllib3": {"level": "WARNING"}},
}
