from django.urls import path

from surveys import portal, views

app_name = "surveys"
urlpatterns = [
    path("desk/<str:code>/surveys/", views.surveys, name="list"),
    path("desk/<str:code>/surveys/open/", views.open_survey, name="open"),
    path("desk/<str:code>/surveys/<int:pk>/", views.results, name="results"),
    path("desk/<str:code>/surveys/<int:pk>/record/", views.record, name="record"),
    path("desk/<str:code>/surveys/<int:pk>/aspects/<int:question>/action/", views.open_action, name="action"),
    path("my/surveys/<int:pk>/", portal.answer, name="answer"),
]
