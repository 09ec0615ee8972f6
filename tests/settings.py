"""Test settings: production settings with a throwaway key, fast hashing, no HTTPS redirect."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-not-a-secret")
os.environ.setdefault("DEBUG", "0")

from cooperations.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client speaks plain HTTP; manifest storage needs collectstatic.
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests fire many API requests from one address; the throttle test lowers this on purpose.
API_ANON_RATE = "100000/minute"
# The schemathesis run calls the WSGI application as « localhost ».
ALLOWED_HOSTS = ["localhost"]
