from django.urls import path

from .views import actions, attachments, create, queue, saved_views, ticket

app_name = "tickets"

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/views/", saved_views.create, name="saved_view_create"),
    path("queue/views/<int:pk>/rename/", saved_views.rename, name="saved_view_rename"),
    path("queue/views/<int:pk>/delete/", saved_views.delete, name="saved_view_delete"),
    path("queue/views/<int:pk>/share/", saved_views.share, name="saved_view_share"),
    path("tickets/new/", create.create, name="create"),
    path("tickets/new/customer/", create.customer_lookup, name="customer_lookup"),
    path("tickets/<int:pk>/", ticket.detail, name="detail"),
    path("tickets/<int:pk>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:pk>/note/", ticket.note, name="note"),
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
