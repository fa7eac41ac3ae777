from django.urls import path

from console import announcements, desk, followups, intake, outbox, residents, review, search, setup, sheets, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/search/", search.search, name="search"),
    path("desk/<str:code>/intake/", intake.intake, name="intake"),
    path("desk/<str:code>/board/", views.board, name="board"),
    path("desk/<str:code>/intake/places/", intake.places, name="places"),
    path("desk/<str:code>/intake/history/", intake.history, name="history"),
    path("desk/<str:code>/intake/route/", desk.route_choices, name="route_choices"),
    path("desk/<str:code>/log/", desk.contact_log, name="contact_log"),
    path("desk/<str:code>/outbox/", outbox.deliveries, name="outbox"),
    path("desk/<str:code>/announcements/", announcements.board, name="announcements"),
    path("desk/<str:code>/announcements/<int:pk>/", announcements.detail, name="announcement"),
    path("desk/<str:code>/residents/", residents.residents, name="residents"),
    path("desk/<str:code>/directory/", desk.directory, name="directory"),
    path("desk/<str:code>/plans/", desk.plan_upload, name="plan_upload"),
    path("desk/<str:code>/followups/", followups.workbench, name="followups"),
    path("desk/<str:code>/followups/<int:pk>/record/", followups.record, name="followup_record"),
    path("desk/<str:code>/followups/<int:pk>/review/", followups.review, name="followup_review"),
    path("desk/<str:code>/setup/", setup.setup, name="setup"),
    path("desk/<str:code>/setup/sheets/", sheets.sheets, name="sheets"),
    path("desk/<str:code>/review/", review.review, name="review"),
    path("desk/<str:code>/review/decide/", review.decide, name="review_decide"),
    path("desk/<str:code>/actions/", review.actions, name="actions"),
    path("desk/<str:code>/actions/<int:pk>/", review.action, name="action"),
    path("desk/<str:code>/actions/<int:pk>/step/", review.action_step, name="action_step"),
    path("desk/<str:code>/<str:queue>/", views.queue, name="queue"),
    path("desk/<str:code>/<str:kind>/<str:queue>/", views.queue, name="kind_queue"),
    path("t/<str:number>/", views.ticket, name="ticket"),
    path("t/<str:number>/act/<str:action>/", views.act, name="act"),
    path("t/<str:number>/print.pdf", views.print_work_order, name="print"),
    path("t/<str:number>/answer.pdf", desk.answer_print, name="answer_pdf"),
    path("a/<int:pk>/", views.attachment, name="attachment"),
    path("plan/<int:pk>/", desk.plan, name="plan"),
]
