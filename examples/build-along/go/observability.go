package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Metrics keeps request counts and total time per method, route and status, in Prometheus's
// text format. A real service would use github.com/prometheus/client_golang; this one stays on
// the standard library.
type Metrics struct {
	mu      sync.Mutex
	count   map[string]float64
	seconds map[string]float64
}

func NewMetrics() *Metrics {
	return &Metrics{count: map[string]float64{}, seconds: map[string]float64{}}
}

func (m *Metrics) record(method, route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.count[fmt.Sprintf(`method=%q,route=%q,status="%d"`, method, route, status)]++
	m.seconds[fmt.Sprintf(`method=%q,route=%q`, method, route)] += d.Seconds()
}

func (m *Metrics) serve(w http.ResponseWriter, r *http.Request, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# TYPE http_requests_total counter\n")
	for _, k := range sortedKeys(m.count) {
		fmt.Fprintf(&b, "http_requests_total{%s} %g\n", k, m.count[k])
	}
	b.WriteString("# TYPE http_request_duration_seconds_sum counter\n")
	for _, k := range sortedKeys(m.seconds) {
		fmt.Fprintf(&b, "http_request_duration_seconds_sum{%s} %g\n", k, m.seconds[k])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, err := w.Write([]byte(b.String()))
	return err
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

var safeID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// observe sets X-Request-ID, runs serve (which returns the route template it matched), then
// counts, times and logs the request as one JSON line.
func (a *App) observe(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter) string) {
	requestID := r.Header.Get("X-Request-ID")
	if !safeID.MatchString(requestID) {
		buf := make([]byte, 16)
		rand.Read(buf)
		requestID = hex.EncodeToString(buf)
	}
	w.Header().Set("X-Request-ID", requestID)
	sw := &statusWriter{ResponseWriter: w, status: 200}
	started := time.Now()
	route := serve(sw) // the template, e.g. /orders/{order_id}, never the raw path
	elapsed := time.Since(started)
	a.Metrics.record(r.Method, route, sw.status, elapsed)
	line, _ := json.Marshal(map[string]any{
		"time": started.UTC().Format(time.RFC3339Nano), "level": "info", "message": "request",
		"request_id": requestID, "method": r.Method, "route": route, "status": sw.status,
		"duration_ms": float64(elapsed.Microseconds()) / 1000,
	})
	fmt.Fprintln(logOutput, string(line))
}

var logOutput io.Writer = os.Stdout
