"""Settings of the catalogue, read from the environment.

Production is the default: ``DEBUG`` is off and ``SECRET_KEY`` must be set. Development mode is
``DEBUG=1`` (what ``make run`` does): a fixed insecure key, local hosts allowed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on", "oui"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY doit être défini quand DEBUG est désactivé (mode production). "
            "En développement, lancez avec DEBUG=1 (c'est ce que fait « make run »)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "reversion",
    "import_export",
    "axes",
    "csp",
    "casestudies",
    "contributions",
    "alerts",
    "finder",
    # Development tools (generate_catalogue, bench): no model, no URL, no page.
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view: one value per single-valued parameter, no repeated value (see the module).
    "casestudies.middleware.BoundedQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The admin's address can be moved away from the default (ADMIN_URL=gestion-7f3a/).
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

ROOT_URLCONF = "cooperations.urls"

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
                "casestudies.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "cooperations.wsgi.application"

# SQLite file in the project directory unless DATABASE_URL says otherwise
# (postgres://user@host:port/name goes through psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The interface language chosen with the switcher (content stays in French).
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS in production, behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): no inline script anywhere, everything from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Who may frame the embeddable list (/integrer/fiches/): CSP frame-ancestors sources, separated
# by spaces. Any HTTPS site by default; every other page refuses framing.
EMBED_FRAME_ANCESTORS = os.environ.get("EMBED_FRAME_ANCESTORS", "https:").split() or [NONE]

# Browser features the catalogue never uses (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# The number of reverse proxies in front of the site, each appending to X-Forwarded-For: the
# client address of login lockout, API rate limits and every per-address limit is read with it
# (cooperations/client_address.py). 0 (the default) ignores X-Forwarded-For, which anyone can forge.
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("AXES_PROXY_COUNT") or "0"
)

# Admin login throttling (django-axes): after repeated failures, lock the (username, address)
# pair, so that failures sent from elsewhere never lock an editor out of their own account.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cooperations.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# Staff import/export of territories and organisations (django-import-export).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")}},
}

# Cache of counts (facets, map, statistics, home), of the list's rendered catalogue and of the
# API throttle. Local memory by default (at most 1 000 entries a process: list pages weigh
# ~100 kB); Redis, shared by every server process, when REDIS_URL or CACHE_URL is set.
# CACHE_KEY_PREFIX separates several catalogues (or databases) sharing one Redis.
_CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "")

# Read-only JSON API (Django REST framework, OpenAPI by drf-spectacular).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["casestudies.api.throttling.CatalogueAnonThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("API du catalogue des coopérations territoriales"),
    "DESCRIPTION": _(
        "Accès en lecture seule aux fiches publiées, territoires, outils de coopération, "
        "thématiques et documents sources. Les paramètres de /api/fiches/ sont ceux de la page "
        "/fiches/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "LICENSE": {
        "name": "Licence Ouverte 2.0 (Etalab)",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
    # The publisher's contact (PUBLISHER_* below), filled in by the post-processing hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casestudies.api.schema.document_contract",
    ],
}

# CORS: any site may read the API (GET only); nothing else is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Who publishes the catalogue: shown in the header, the footer and the legal pages. Neutral
# defaults; an installation sets its own (see the README, « Configuration »).
PUBLISHER = {
    "name": os.environ.get("PUBLISHER_NAME", "").strip(),
    "url": os.environ.get("PUBLISHER_URL", "").strip(),
    # A logo: a path under static/ (« img/logo.svg ») or an absolute https:// address.
    "logo": os.environ.get("PUBLISHER_LOGO", "").strip(),
    "email": os.environ.get("PUBLISHER_EMAIL", "").strip(),
    "address": os.environ.get("PUBLISHER_ADDRESS", "").strip(),
    "director": os.environ.get("PUBLICATION_DIRECTOR", "").strip(),
    "host": os.environ.get("HOSTING_PROVIDER", "").strip(),
}

# Public catalogue pagination.
CASES_PER_PAGE = 20

# Open data installed by `make install` (npm ci): map outlines of the départements.
FRANCE_DEPARTEMENTS_SVG = os.environ.get(
    "FRANCE_DEPARTEMENTS_SVG",
    str(BASE_DIR / "node_modules" / "@svg-maps" / "france.departments" / "france.departments.svg"),
)

# The site's own address (« https://cooperations.example.org »), for the links of e-mails sent
# outside a request (send_alerts). Pages sending e-mail use the request's address when unset.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").strip().rstrip("/")

# E-mail (acknowledgements of contributions, notifications to editors, alerts): Django's SMTP
# backend, configured by EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS / EMAIL_USE_SSL; printed on the console in development mode (DEBUG=1) unless
# EMAIL_HOST is set. EMAIL_BACKEND overrides both.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "catalogue@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears of new contributions besides the users allowed to publish (comma-separated).
EDITORS_EMAIL = env_list("EDITORS_EMAIL")

# Public contributions (/contribuer/): proposals kept per address per hour and in all per day
# (past either, HTTP 429). The public forms (contributions, alerts) are refused when sent less
# than PUBLIC_FORM_MIN_SECONDS after being shown: faster than a person.
CONTRIBUTIONS_PER_ADDRESS_PER_HOUR = int(os.environ.get("CONTRIBUTIONS_PER_ADDRESS_PER_HOUR", "5"))
CONTRIBUTIONS_PER_DAY = int(os.environ.get("CONTRIBUTIONS_PER_DAY", "200"))
# Posts of the form per address per hour, valid or not (robots, forms sent too fast).
CONTRIBUTION_ATTEMPTS_PER_HOUR = int(os.environ.get("CONTRIBUTION_ATTEMPTS_PER_HOUR", "30"))
PUBLIC_FORM_MIN_SECONDS = int(os.environ.get("PUBLIC_FORM_MIN_SECONDS", "2"))

# Editorial staleness and links: a published sheet not reviewed for STALE_AFTER_DAYS is « à
# revoir » in the admin; check_links asks LINK_CHECK_CONCURRENCY addresses at a time and waits
# LINK_CHECK_TIMEOUT seconds for each.
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "365"))
LINK_CHECK_CONCURRENCY = int(os.environ.get("LINK_CHECK_CONCURRENCY", "4"))
LINK_CHECK_TIMEOUT = float(os.environ.get("LINK_CHECK_TIMEOUT", "10"))

# E-mail alerts (/alertes/): requests per address per hour, and days a confirmation link lasts
# (an alert never confirmed is then deleted with its address).
ALERTS_PER_ADDRESS_PER_HOUR = int(os.environ.get("ALERTS_PER_ADDRESS_PER_HOUR", "10"))
ALERT_CONFIRMATION_DAYS = int(os.environ.get("ALERT_CONFIRMATION_DAYS", "3"))
