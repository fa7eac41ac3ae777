"""Signed-in sessions name the backend that found their account; the account backend is
now people.backends.AccountBackend, so the sessions made before it are carried over
(otherwise every staff member and resident would be signed out by the upgrade)."""

from django.db import migrations
from django.utils import timezone

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_BACKEND = "people.backends.AccountBackend"


def carry_over(apps, old: str, new: str) -> int:
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    changed = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)
        if data.get("_auth_user_backend") == old:
            data["_auth_user_backend"] = new
            Session.objects.filter(pk=session.pk).update(session_data=store.encode(data))
            changed += 1
    return changed


def forwards(apps, schema_editor):
    carry_over(apps, MODEL_BACKEND, ACCOUNT_BACKEND)


def backwards(apps, schema_editor):
    carry_over(apps, ACCOUNT_BACKEND, MODEL_BACKEND)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_account_manager"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
