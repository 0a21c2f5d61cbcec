from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("care/", views.care_list, name="care_list"),
    path("care/<int:pk>/", views.care_detail, name="care_detail"),
    path("cases/", views.cases, name="cases"),
    path("cases/ticket/<int:ticket_id>/summary/", views.case_summary, name="case_summary"),
]
