"""The orders service, step 1: an application that answers one health check."""

from fastapi import FastAPI

app = FastAPI(title="Orders service")


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}
