"""Settings for the test suite: the same as production but a fast password hasher and
huey running tasks inline. The database follows DATABASE_URL as usual."""

import os

from config.settings import *  # noqa: F403
from config.settings import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory, so tests with several threads see real SQLite locking.
    # One file per run, so two suites running at once on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (Django's test client)
# No manifest in the tests: static files are found where they are.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests move the clock by years with a token made at the start; the expiry has tests of its own.
API_TOKEN_DAYS = 0
# Tests change policies with queryset updates (no signal): each read goes to the database;
# base/tests/test_remembered.py turns it on to prove the remembering itself.
REFERENCE_CACHE_SECONDS = 0
# Tests change accounts with queryset updates too, and count a page's queries from its
# first request: each request reads its account. people/tests/test_logins.py turns the
# remembering on to prove it.
ACCOUNT_CACHE_SECONDS = 0
SIGN_IN_CODES_IN_OUTBOX = True  # the tests read the codes there, as the demo does
