"""A small FastAPI service: /healthz, /readyz, /metrics and a hello route."""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from prometheus_fastapi_instrumentator import Instrumentator

log = logging.getLogger("python-fastapi")
state = {"ready": False}


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    state["ready"] = True
    yield
    # uvicorn runs this on SIGTERM after it stops accepting connections and
    # lets in-flight requests finish: release resources here.
    state["ready"] = False
    log.info("shutting down")


app = FastAPI(title="python-fastapi", lifespan=lifespan)
Instrumentator().instrument(app).expose(app, endpoint="/metrics", include_in_schema=False)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers. No dependency calls here."""
    return {"status": "ok"}


@app.get("/readyz")
def readyz(response: Response) -> dict[str, str]:
    """Readiness: false before startup and while shutting down."""
    if not state["ready"]:
        response.status_code = 503
        return {"status": "draining"}
    return {"status": "ready"}


@app.get("/")
def index() -> dict[str, str]:
    return {"service": "python-fastapi", "message": "hello"}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
