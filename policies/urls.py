from django.urls import path

from helpdesk.views import approvals

app_name = "policies"

urlpatterns = [path("", approvals, name="queue")]
