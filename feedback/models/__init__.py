from .care import CareFollowUp, CareOutcome
from .cases import CaseRecord
from .surveys import InvitationState, SurveyInvitation, SurveyResponse
from .texts import SurveyText, SurveyTextKey

__all__ = [
    "CareFollowUp",
    "CareOutcome",
    "CaseRecord",
    "InvitationState",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveyText",
    "SurveyTextKey",
]
