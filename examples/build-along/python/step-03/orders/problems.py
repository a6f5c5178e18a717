"""Every error leaves the service as RFC 9457 problem details."""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


def problem(request: Request, status: int, detail: str, headers: dict | None = None,
            errors: list | None = None) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


# ANCHOR: validation
def field_name(location: tuple) -> str:
    # ("body", "items", 0, "quantity") -> "items.0.quantity"; ("query", "limit") -> "limit"
    return ".".join(str(part) for part in location[1:]) or str(location[0])


async def on_validation_error(request: Request, exc: RequestValidationError):
    if any(error["type"] == "json_invalid" for error in exc.errors()):
        return problem(request, 400, "The request body is not valid JSON.")
    errors = [{"field": field_name(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    return problem(request, 422, "The request has invalid fields.", errors=errors)
# ANCHOR_END: validation


async def on_http_error(request: Request, exc: HTTPException):
    # Starlette raises 404 for unknown paths and 405 (with an Allow header) for wrong methods.
    return problem(request, exc.status_code, str(exc.detail), headers=exc.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
