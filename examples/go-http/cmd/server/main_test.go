package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func TestHealthz(t *testing.T) {
	var ready atomic.Bool
	srv := httptest.NewServer(newMux(&ready))
	defer srv.Close()
	code, body := get(t, srv, "/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Fatalf("GET /healthz = %d %q", code, body)
	}
}

func TestReadyzFollowsReadiness(t *testing.T) {
	var ready atomic.Bool
	srv := httptest.NewServer(newMux(&ready))
	defer srv.Close()
	if code, _ := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("not ready: GET /readyz = %d, want 503", code)
	}
	ready.Store(true)
	if code, _ := get(t, srv, "/readyz"); code != http.StatusOK {
		t.Fatalf("ready: GET /readyz = %d, want 200", code)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	var ready atomic.Bool
	srv := httptest.NewServer(newMux(&ready))
	defer srv.Close()
	get(t, srv, "/")
	_, body := get(t, srv, "/metrics")
	if !strings.Contains(body, `http_requests_total{code="200",method="GET",route="/"}`) {
		t.Fatalf("metrics lack the request counter:\n%s", body)
	}
}
