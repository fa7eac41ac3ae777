from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from base.admin import scope_with
        from people.access import may_open_archive, property_ids, scoped

        scope_with(scoped=scoped, property_ids=property_ids, sees_phones=may_open_archive)

        from django.db.models.signals import post_delete, post_save

        from people.models import ApiToken, User
        from people.tokens import token_forget

        # A token revoked or an account changed (deactivated, its role) is forgotten at once.
        post_delete.connect(lambda instance, **kw: token_forget(digest=instance.digest), ApiToken, weak=False)
        post_save.connect(lambda instance, **kw: token_forget(user_id=instance.pk), User, weak=False)
