from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contact log")

    def ready(self) -> None:
        from contacts.services import contact_log_online
        from tickets.services import on_record

        on_record(contact_log_online)
