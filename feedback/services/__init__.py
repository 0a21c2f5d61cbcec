"""Every write of the feedback app: surveys, customer care and the case library."""

from .care import care_open, care_record_outcome
from .cases import case_record, case_set_rating, case_set_summary, cases_record_missing
from .invitations import (
    SurveyNotSent,
    invitation_create_on_solve,
    invitation_send_now,
    invitations_cancel_pending,
    invitations_create_missing,
    invitations_send_due,
)
from .responses import (
    SurveyClosed,
    SurveyState,
    invitation_for_link,
    survey_respond,
    survey_respond_in_place,
    survey_state,
)

__all__ = [
    "SurveyClosed",
    "SurveyNotSent",
    "SurveyState",
    "care_open",
    "care_record_outcome",
    "case_record",
    "case_set_rating",
    "case_set_summary",
    "cases_record_missing",
    "invitation_create_on_solve",
    "invitation_for_link",
    "invitation_send_now",
    "invitations_cancel_pending",
    "invitations_create_missing",
    "invitations_send_due",
    "survey_respond",
    "survey_respond_in_place",
    "survey_state",
]
