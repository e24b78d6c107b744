import re

from fastapi.testclient import TestClient

from app.main import app


def test_healthz_answers_ok() -> None:
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_while_running() -> None:
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200


def test_metrics_counts_requests() -> None:
    with TestClient(app) as client:
        client.get("/")
        body = client.get("/metrics").text
    counters = [line for line in body.splitlines() if line.startswith("http_requests_total{")]
    assert any(re.search(r'handler="/"', line) and 'method="GET"' in line for line in counters), counters
