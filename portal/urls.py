from django.urls import path

from portal import announcements, report, signin, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", signin.sign_in, name="sign_in"),
    path("join/", signin.join, name="join"),
    path("report/", report.report, name="report"),
    path("fees/", views.fees, name="fees"),
    path("m/<str:number>/", views.matter, name="matter"),
    path("m/<str:number>/act/<str:action>/", views.act, name="act"),
    path("news/<int:pk>/", announcements.announcement, name="announcement"),
]
