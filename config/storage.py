"""Static files as the app serves them (whitenoise): compressed, with hashed names from
the manifest `collectstatic` writes (`make run` and every install run it). A page asking
for a file that was never collected (a bench or a script run without collectstatic) gets
its plain name instead of failing to render."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: no file to hash
            return name
