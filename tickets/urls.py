from django.urls import path

from .views import actions, attachments, create, live, queue, ticket

app_name = "tickets"

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/rows/<int:pk>/", live.queue_row, name="queue_row"),
    path("tickets/new/", create.create, name="create"),
    path("tickets/new/customer/", create.customer_lookup, name="customer_lookup"),
    path("tickets/<int:pk>/", ticket.detail, name="detail"),
    path("tickets/<int:pk>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:pk>/note/", ticket.note, name="note"),
    path("tickets/<int:pk>/summary/", live.summary, name="summary"),
    path("tickets/<int:pk>/messages/<int:message_pk>/", live.message, name="message"),
    path("tickets/<int:pk>/facts/", actions.record_facts, name="facts"),
    path("tickets/<int:pk>/merge/", actions.merge, name="merge"),
    path(
        "tickets/<int:pk>/set/<str:name>/",
        actions.change_property,
        name="change",
    ),
    path(
        "tickets/<int:pk>/attachments/<str:token>/",
        attachments.download,
        name="attachment",
    ),
]
