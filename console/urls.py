from django.urls import path

from console import intake, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/<str:code>/intake/", intake.intake, name="intake"),
    path("desk/<str:code>/board/", views.board, name="board"),
    path("desk/<str:code>/intake/places/", intake.places, name="places"),
    path("desk/<str:code>/intake/history/", intake.history, name="history"),
    path("desk/<str:code>/<str:queue>/", views.queue, name="queue"),
    path("t/<str:number>/", views.ticket, name="ticket"),
    path("t/<str:number>/act/<str:action>/", views.act, name="act"),
    path("t/<str:number>/print.pdf", views.print_work_order, name="print"),
    path("a/<int:pk>/", views.attachment, name="attachment"),
]
