from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "promises"
    verbose_name = _("Service promises")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from promises.models import PromisePolicy
        from promises.policy import remembered_limits

        # A limit changed in this process is read again at once (base.remembered).
        for signal in (post_save, post_delete):
            signal.connect(lambda **kw: remembered_limits.changed(), PromisePolicy, weak=False)
