from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import include, path

from api.api import api
from ops.views import health, live
from pages.language import language_set

urlpatterns = [
    path("login/", auth.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth.PasswordChangeView.as_view(template_name="console/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth.PasswordChangeDoneView.as_view(template_name="console/password_done.html"),
        name="password_change_done",
    ),
    path("health/", health, name="health"),
    path("health/live/", live, name="live"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("notices/", include("pages.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("field/", include("field.urls")),
    path("my/", include("portal.urls")),
    path("reports/", include("reports.urls")),
    path("", include("records.urls")),  # /desk/<code>/archive/, keys/, calls/: before the console's queues
    path("", include("settlement.urls")),  # /t/<number>/charge/, /desk/<code>/finance/, /receipts/<no>.pdf
    path("", include("duty.urls")),  # /desk/<code>/duty/: before the console's queues
    path("", include("surveys.urls")),  # /desk/<code>/surveys/ and /my/surveys/: before the console's queues
    path("", include("console.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
