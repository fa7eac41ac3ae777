from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Help requests and consultations")

    def ready(self) -> None:
        from assistance import kind  # noqa: F401  (registers help, consultation and suggestion with the core)
