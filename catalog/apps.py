from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from catalog.models import Builder, Category, Provider, WarrantyTerm
        from catalog.selectors import remembered_categories, remembered_parties

        # A category (or the warranty term read with it) changed in this process is read
        # again at once (base.remembered).
        for model in (Category, WarrantyTerm):
            for signal in (post_save, post_delete):
                signal.connect(lambda **kw: remembered_categories.changed(), model, weak=False)
        # So is a builder or a provider.
        for party in (Builder, Provider):
            for signal in (post_save, post_delete):
                signal.connect(lambda **kw: remembered_parties.changed(), party, weak=False)
