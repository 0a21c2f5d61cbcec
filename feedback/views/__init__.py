from .care import care_detail, care_list
from .cases import case_summary, cases
from .survey import survey

__all__ = ["care_detail", "care_list", "case_summary", "cases", "survey"]
