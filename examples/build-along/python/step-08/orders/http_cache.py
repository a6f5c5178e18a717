"""Conditional GET: an ETag per representation, and 304 when the client's copy is current."""

import hashlib
import json

from fastapi import Response


def etag_of(body: dict) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110, section 13.1.2): W/"x" matches "x".
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags


def cacheable(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag
    # private: only the client may store it; no-cache: revalidate every time, as status changes.
    response.headers["Cache-Control"] = "private, no-cache"
