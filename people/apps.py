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

        from base.remembered import forget_now_and_at_commit
        from people.backends import account_forget
        from people.models import ApiToken, User, accounts_updated
        from people.tokens import token_forget

        # A token revoked or an account changed (deactivated, its role, a new password;
        # saved, or by a queryset update) is forgotten at once, behind its tokens and its
        # sessions, and again at the commit, so that another thread of this process
        # reading the row before the commit does not keep the old one.
        def forget(ids: list[int]) -> None:
            for pk in ids:
                token_forget(user_id=pk)
                account_forget(pk)

        def account_changed(instance: User, **kw: object) -> None:
            forget_now_and_at_commit(lambda: forget([instance.pk]))

        def accounts_changed(ids: list[int], **kw: object) -> None:
            forget_now_and_at_commit(lambda: forget(ids))

        post_delete.connect(lambda instance, **kw: token_forget(digest=instance.digest), ApiToken, weak=False)
        for signal in (post_save, post_delete):
            signal.connect(account_changed, User, weak=False)
        accounts_updated.connect(accounts_changed, User, weak=False)

        from django.db.models.signals import m2m_changed

        from estates.models import Property
        from people.access import remembered_workplaces

        # Where accounts work: an account, its properties or a property changed here is
        # read again at once (base.remembered).
        def workplaces_forget(**kw: object) -> None:
            remembered_workplaces.changed()

        for model in (User, Property):
            for signal in (post_save, post_delete):
                signal.connect(workplaces_forget, model, weak=False)
        m2m_changed.connect(workplaces_forget, User.properties.through, weak=False)
        accounts_updated.connect(workplaces_forget, User, weak=False)
