from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("desk/<str:code>/archive/", views.archive, name="archive"),
    path("desk/<str:code>/archive/log/", views.access_log, name="access_log"),
    path("desk/<str:code>/archive/<int:pk>/", views.household, name="household"),
    path("desk/<str:code>/archive/<int:pk>/documents/", views.document_add, name="document_add"),
    path("desk/<str:code>/archive/documents/<int:pk>/", views.document, name="document"),
    path("desk/<str:code>/calls/", views.calls, name="calls"),
    path("desk/<str:code>/calls/ask/", views.ask_call, name="ask_call"),
    path("desk/<str:code>/keys/", views.keys, name="keys"),
]
