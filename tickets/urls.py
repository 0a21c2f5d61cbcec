from django.urls import path

from .views import actions, attachments, bulk, create, customers, live, macros, queue, saved_views, ticket, workflow

app_name = "tickets"

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/bulk/", bulk.apply, name="bulk"),
    path("queue/bulk/<int:pk>/", bulk.summary, name="bulk_summary"),
    path("queue/bulk/<int:pk>/undo/", bulk.undo, name="bulk_undo"),
    path("queue/rows/<int:pk>/", live.queue_row, name="queue_row"),
    path("queue/views/", saved_views.create, name="saved_view_create"),
    path("queue/views/<int:pk>/rename/", saved_views.rename, name="saved_view_rename"),
    path("queue/views/<int:pk>/delete/", saved_views.delete, name="saved_view_delete"),
    path("queue/views/<int:pk>/share/", saved_views.share, name="saved_view_share"),
    path("tickets/new/", create.create, name="create"),
    path("tickets/new/customer/", create.customer_lookup, name="customer_lookup"),
    path("tickets/<int:pk>/", ticket.detail, name="detail"),
    path("tickets/<int:pk>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:pk>/note/", ticket.note, name="note"),
    path("tickets/<int:pk>/summary/", live.summary, name="summary"),
    path("tickets/<int:pk>/messages/<int:message_pk>/", live.message, name="message"),
    path("tickets/<int:pk>/facts/", actions.record_facts, name="facts"),
    path("tickets/<int:pk>/merge/", actions.merge, name="merge"),
    path("tickets/<int:pk>/tags/", workflow.change_tags, name="tags"),
    path("tickets/<int:pk>/macro/", workflow.apply_macro, name="macro_apply"),
    path("macros/", macros.macro_list, name="macros"),
    path("macros/new/", macros.macro_edit, name="macro_new"),
    path("macros/<int:pk>/", macros.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete/", macros.macro_delete, name="macro_delete"),
    path("tickets/<int:pk>/customer/merge/", customers.customer_merge, name="customer_merge"),
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
