"""OKX's error codes as the simulator answers them: message, HTTP status and body shape."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    "1": "All operations failed", "2": "Bulk operation partially succeeded",
    "50000": "Body can not be empty.", "50002": "Json data format error.",
    "50001": "Service temporarily unavailable. Please try again later.",
    "50004": "Endpoint request timeout.", "50011": "Too Many Requests",
    "50013": "Systems are busy. Please try again later.",
    "50014": "Parameter {0} can not be empty.", "50015": "Either parameter {0} or {1} is required.",
    "50026": "System error. Try again later.", "50030": "No permission to use this API.",
    "50035": "This endpoint requires that APIKey must be bound to IP",
    "50100": "API frozen, please contact customer service.",
    "50101": "APIKey does not match current environment.", "50102": "Timestamp request expired.",
    "50103": 'Request header "OK-ACCESS-KEY" cannot be empty.',
    "50104": 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.',
    "50105": 'Request header "OK-ACCESS-PASSPHRASE" incorrect.',
    "50106": 'Request header "OK-ACCESS-SIGN" cannot be empty.',
    "50107": 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.',
    "50111": "Invalid OK-ACCESS-KEY.", "50112": "Invalid OK-ACCESS-TIMESTAMP.",
    "50113": "Invalid Sign", "50119": "API key doesn't exist.",
    "50120": "API key doesn't have permission for this function.",
    "51000": "Parameter {0} error", "51001": "Instrument ID does not exist",
    "51003": "Either client order ID or order ID is required",
    "51008": "Order failed. Insufficient {0} balance in account",
    "51010": "You can't complete this request under your current account mode.",
    "51016": "Duplicated client order ID",
    "51400": "Order cancellation failed as the order has been filled, canceled or does not exist",
    "51603": "Order does not exist",
    "59000": "Your settings failed as you have positions or open orders.",
    "59500": "Only the APIKey of the main account has permission for this operation.",
    "59501": "Only 50 APIKeys can be created per account",
    "59502": "Note name cannot be duplicate with the currently created APIKey note name",
    "59503": "Each APIKey can bind up to 20 IP addresses",
    "59504": "The sub account does not support the withdrawal function",
    "59505": "The passphrase format is incorrect",
    "59506": "APIKey does not exist", "59510": "The sub-account does not exist",
    "59601": "This sub-account name already exists, try another name.",
    "59603": "Maximum number of sub-accounts reached.",
    "59604": "Only the API key of the main account can access this API.",
}  # fmt: skip
IP_MESSAGE = "Your IP {ip} is not included in your API key's IP whitelist"
# HTTP status OKX sends with a code; codes not listed come with 200 (OKX.md's table; 50119 is
# documented with 200).
HTTP_STATUS: dict[str, int] = {
    "50001": 503, "50004": 400, "50011": 429, "50013": 429, "50026": 500, "50035": 403,
    "50100": 400, "50101": 401, "50102": 401, "50103": 401, "50104": 401, "50105": 401,
    "50106": 401, "50107": 401, "50110": 401, "50111": 401, "50112": 401, "50113": 401,
    "50114": 401,
}  # fmt: skip


class OkxError(Exception):
    """An OKX refusal: raised by a handler, answered as ``{"code", "msg", "data": []}``."""

    def __init__(self, code: str, *args: str, msg: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.msg = msg or message(code, *args)

    @property
    def status(self) -> int:
        return HTTP_STATUS.get(self.code, 200)


def message(code: str, *args: str) -> str:
    """OKX's message for ``code`` with its ``{0}``, ``{1}`` placeholders filled."""
    text = MESSAGES.get(code, "")
    for index, arg in enumerate(args):
        text = text.replace(f"{{{index}}}", arg)
    return text


def ok(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "0", "msg": "", "data": data}


def error(code: str, msg: str = "") -> dict[str, Any]:
    """OKX's error body; auth errors (501xx) come without ``data``, as OKX often sends them."""
    body: dict[str, Any] = {"code": code, "msg": msg or MESSAGES.get(code, "")}
    if not code.startswith("501"):
        body["data"] = []
    return body
