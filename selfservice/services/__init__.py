"""Every write of the self-service pages: access codes, and what a verified customer asks for."""

from .access import (
    CODE_ATTEMPTS,
    CODE_MINUTES,
    code_request,
    code_verify,
    order_link_open,
    order_link_token,
    requests_code_request,
    requests_code_verify,
    requests_link_open,
    requests_link_token,
)
from .requests import problem_report, request_close, request_reply, return_from_order_page

__all__ = [
    "CODE_ATTEMPTS",
    "CODE_MINUTES",
    "code_request",
    "code_verify",
    "order_link_open",
    "order_link_token",
    "problem_report",
    "request_close",
    "request_reply",
    "requests_code_request",
    "requests_code_verify",
    "requests_link_open",
    "requests_link_token",
    "return_from_order_page",
]
