from django.urls import path

from field import patrol, views

app_name = "field"
urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("patrol/", patrol.patrol, name="patrol"),
    path("j/<str:number>/", views.job, name="job"),
    path("j/<str:number>/act/<str:action>/", views.act, name="act"),
]
