"""Webhook bodies of the tracking aggregators, read into one shape (ParsedUpdate).

Pure functions: no database. The webhook endpoint parses to validate (a bad body gets 400 before
anything is stored); the processing task parses the stored raw body again.
"""

from .aftership import parse_aftership
from .common import ParsedEvent, ParsedUpdate, PayloadError, normalise_tracking_number, to_alpha2
from .seventeentrack import parse_seventeentrack

PARSERS = {"aftership": parse_aftership, "17track": parse_seventeentrack}

__all__ = [
    "PARSERS",
    "ParsedEvent",
    "ParsedUpdate",
    "PayloadError",
    "normalise_tracking_number",
    "parse_aftership",
    "parse_seventeentrack",
    "to_alpha2",
]
