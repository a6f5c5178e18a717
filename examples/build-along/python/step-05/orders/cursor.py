"""Opaque page cursors: clients pass them back unchanged and never build their own."""

import base64
import binascii
import json


def encode(after_id: int) -> str:
    raw = json.dumps({"after": after_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The id to continue below; ValueError if the cursor was not made by encode()."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ValueError("not a cursor from this API") from exc
    if not isinstance(after, int) or isinstance(after, bool):
        raise ValueError("not a cursor from this API")
    return after
