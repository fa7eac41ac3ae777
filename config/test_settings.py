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
