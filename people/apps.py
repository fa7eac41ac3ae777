from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from base.admin import scope_with
        from people.access import property_ids, scoped

        scope_with(scoped=scoped, property_ids=property_ids)
