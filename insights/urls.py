from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("customers/<int:pk>/", views.customer, name="customer"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback, name="callback"),
    path("customers/at-risk/", views.at_risk, name="at_risk"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards.csv", views.scorecards_csv, name="scorecards_csv"),
]
