module github.com/example/go-http

go 1.24

require github.com/prometheus/client_golang v1.22.0
