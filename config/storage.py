"""Static files as the app serves them (whitenoise): compressed, with hashed names from
the manifest `collectstatic` writes. A name missing from the manifest (before the first
collectstatic, or in the tests) is served under its plain name instead of failing."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    manifest_strict = False
