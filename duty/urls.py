from django.urls import path

from duty import views

app_name = "duty"
urlpatterns = [
    path("desk/<str:code>/duty/", views.duty, name="duty"),
]
