from django.urls import path

from pages import notices

app_name = "notices"
urlpatterns = [
    path("", notices.notices, name="list"),
    path("bell/", notices.bell, name="bell"),
    path("read/", notices.read_all, name="read_all"),
    path("preferences/", notices.preferences, name="preferences"),
    path("<int:pk>/", notices.open_notice, name="open"),
]
