"""Settings, read from the environment.

With nothing set the portal runs as a development setup on SQLite inside the checkout.
A production deployment sets at least DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL;
see docs/deployment.md for the whole list.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

# The key of the audit chain's MACs (studyportal/audit/keys.py, docs/security.md "Audit trail"); unset,
# one is derived from SECRET_KEY. Set it so that SECRET_KEY can be changed without breaking the chain.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "studyportal.admin_site.PortalAdminConfig",  # django.contrib.admin, titled in the portal's name
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "studyportal.admin_site.PortalAxesConfig",  # axes, with a Chinese name in the back office
    "csp",
    "django_otp",
    "studyportal.admin_site.PortalTotpConfig",  # django_otp.plugins.otp_totp
    "studyportal.admin_site.PortalStaticConfig",  # django_otp.plugins.otp_static
    "studyportal.accounts",
    "studyportal.audit",
    "activities",
    "reports",
    "studyportal.notifications",
    "demo",  # the demo data of `seed_demo`; no app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "studyportal.htmx_messages.HtmxMessagesMiddleware",
    "studyportal.security.SessionSecurityMiddleware",
    "studyportal.security.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "studyportal.audit.middleware.AuditActorMiddleware",
    "studyportal.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Under DEBUG only: the portal's 404 page instead of Django's list of URL patterns.
    "studyportal.errors.PortalNotFoundMiddleware",
    # Last, so that it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The throttling backend only counts and refuses attempts; ModelBackend does the authenticating.
AUTHENTICATION_BACKENDS = [
    "studyportal.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "studyportal.urls"
WSGI_APPLICATION = "studyportal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "studyportal.accounts.context_processors.roles",
            ],
        },
    },
]

# SQLite in the checkout unless DATABASE_URL says otherwise (postgres://… in production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "studyportal.security.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The empty choice of every list filter (django-filter's default is "---------"); see studyportal/filters.py.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Where `manage.py audit_checkpoint` appends the chain's head: outside the database, beside the media
# folder rather than in it (a restore empties the media folder; the checkpoints must outlive that).
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("AUDIT_CHECKPOINT_FILE") or MEDIA_ROOT.parent / "audit-checkpoints.jsonl"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Past one machine (docs/scaling.md): each switch is off until its variable is set.
# A read replica for the dashboard's and the reports' reads (studyportal/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["studyportal.db_router.ReplicaRouter"]
    MIDDLEWARE.append("studyportal.db_router.ReplicaRoutingMiddleware")
    # After a change, the session reads the primary this long (read-your-writes past replica lag).
    REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "10"))
# Redis for the cache and, with the database behind it, the sessions: shared by every app server.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "studyportal",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Uploads on an S3-compatible store (private bucket; files still go out only through the
# permission-checked download view). Static files stay with whitenoise.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Long exports as background tasks (django-tasks); TASKS_BACKEND=database runs them from a table
# that `manage.py db_worker` works through, TASKS_BACKEND=immediate runs them in the request.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "")
if TASKS_BACKEND:
    _task_backends = {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    }
    if TASKS_BACKEND not in _task_backends:
        raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_task_backends)}.")
    INSTALLED_APPS += ["django_tasks"] + (["django_tasks_db"] if TASKS_BACKEND == "database" else [])
    TASKS = {
        "default": {"BACKEND": _task_backends[TASKS_BACKEND], "QUEUES": ["default", "exports", "imports"]}
    }
# With tasks, a ledger upload larger than this is checked and imported in the background (queue
# "imports", docs/imports.md): about 2,500 activity rows, whose check and import take a few seconds.
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", 256 * 1024))
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT pays off only for long analytical queries; on a page's queries its compile
        # time alone took seconds at county scale (bench/results), so it is off for the portal.
        _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# A backstop above the attachment forms' own limit (activities.uploads.MAX_FILES_PER_REQUEST, which
# refuses with a message): a request with more files than this is refused before any is stored.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security switches: on by default whenever DEBUG is off, each can be turned off from the
# environment (an intranet served over plain HTTP sets SECURE_SSL_REDIRECT=0 and the cookie flags).
SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Four eyes: a record is approved by someone other than its recorder wherever another secretary
# covers the agency (activities.services.activity.activity_approve); a sole secretary approves their own.
FOUR_EYES_REVIEW = env_bool("FOUR_EYES_REVIEW", True)

# Login throttling (django-axes), see docs/security.md. Keyed on the username AND the address
# together, so failures from one machine never lock a colleague out at another.
AXES_ENABLED = env_bool("LOGIN_THROTTLING", True)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", 30)))
AXES_RESET_ON_SUCCESS = True
# Failures from one address summed over all usernames (one password sprayed over many accounts) that
# lock the address for AXES_COOLOFF_TIME: higher than the per-account limit, as an office may share
# one address (studyportal.security.address_locked_out).
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", 30))
AXES_LOCKOUT_CALLABLE = "studyportal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "studyportal.security.client_ip"
# Behind a reverse proxy set this to the number of proxies that append to X-Forwarded-For;
# left at 0 the header is ignored, since a client could write anything there.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Session expiry: after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login
# whatever happens (studyportal/security.py).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", 60)) * 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_MAX_HOURS", 12)) * 3600

# Two-factor sign-in (django-otp). Holders of the listed roles, or of a higher one, must enrol a
# TOTP app before going on: e.g. OTP_REQUIRED_ROLES=secretary (covers admins too).
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", [])
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Study Portal")

# Content-Security-Policy (django-csp 4). No inline script anywhere: page JS lives in static/js/.
# ECharts and Bootstrap set element styles through CSSOM, which style-src does not restrict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The audit checkpoints go to the log (journald under systemd) as well as to their file.
    "loggers": {"studyportal.audit.checkpoint": {"level": "INFO"}},
}

# Reminders (docs/reminders.md). A rule not yet met turns amber this many days before its period ends
# (and a missed one stays red as long after); rectification items are "due soon" this many days ahead.
NORM_WARNING_DAYS = int(os.environ.get("NORM_WARNING_DAYS", 7))
RECTIFICATION_WARNING_DAYS = int(os.environ.get("RECTIFICATION_WARNING_DAYS", 30))

# E-mail for reminders: printed on the console unless an SMTP server is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The portal's address as users reach it, for the links in e-mails (e.g. https://xxjg.example.gov.cn).
PORTAL_URL = os.environ.get("PORTAL_URL", "").rstrip("/")
