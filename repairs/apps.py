from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        from repairs import kind  # noqa: F401  (registers the repair with the core)
