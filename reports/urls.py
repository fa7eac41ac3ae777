from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("<str:code>/", views.dashboard, name="latest"),
    path("<str:code>/<str:month>/", views.dashboard, name="month"),
    path("kept/<int:pk>/<str:kind>/", views.kept_file, name="kept"),
]
