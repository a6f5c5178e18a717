package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const order = `{"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}`

type harness struct {
	t     *testing.T
	srv   *httptest.Server
	store *memory
}

func newHarness(t *testing.T) *harness {
	store := newMemory()
	for id, key := range map[int64]string{1: "key-one", 2: "key-two"} {
		sum := sha256.Sum256([]byte(key))
		store.clients[string(sum[:])] = id
	}
	logOutput = io.Discard
	app := &App{Store: store, RateLimit: 120, Metrics: NewMetrics()}
	h := &harness{t: t, srv: httptest.NewServer(app), store: store}
	t.Cleanup(h.srv.Close)
	return h
}

func (h *harness) call(method, path, body string, headers ...string) (*http.Response, map[string]any) {
	req, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer key-one")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var decoded map[string]any
	json.NewDecoder(bytes.NewReader(raw)).Decode(&decoded)
	return resp, decoded
}

func (h *harness) problem(resp *http.Response, body map[string]any, status int) {
	h.t.Helper()
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" ||
		body["status"] != float64(status) {
		h.t.Fatalf("want a %d problem, got %d %v %v", status, resp.StatusCode, resp.Header, body)
	}
}

func fields(body map[string]any) string {
	var names []string
	for _, e := range body["errors"].([]any) {
		names = append(names, e.(map[string]any)["field"].(string))
	}
	return strings.Join(names, ",")
}

func TestCreateThenRead(t *testing.T) {
	h := newHarness(t)
	resp, body := h.call("POST", "/orders", order)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/orders/1001" || body["total_cents"] != 2500.0 {
		t.Fatalf("got %d %v %v", resp.StatusCode, resp.Header, body)
	}
	items, _ := json.Marshal(body["items"])
	if string(items) != `[{"product_id":7,"quantity":2,"unit_price_cents":1250}]` {
		t.Fatalf("items %s", items)
	}
	_, again := h.call("GET", "/orders/1001", "")
	if fmt.Sprint(again) != fmt.Sprint(body) {
		t.Fatalf("read back %v, created %v", again, body)
	}
}

func TestValidationAndErrors(t *testing.T) {
	h := newHarness(t)
	resp, body := h.call("POST", "/orders", `{"customer_id": 42, "items": [{"product_id": 7, "quantity": 1, "unit_price_cents": 1}]}`)
	h.problem(resp, body, 422)
	resp, body = h.call("POST", "/orders", `{"customer_id": 0, "items": [{"product_id": 7, "quantity": 0}]}`)
	h.problem(resp, body, 422)
	if fields(body) != "customer_id,items.0.quantity" {
		t.Fatalf("fields %s", fields(body))
	}
	resp, body = h.call("POST", "/orders", `{"customer_id": 1, "items": [{"product_id": 404, "quantity": 1}]}`)
	h.problem(resp, body, 422)
	resp, body = h.call("POST", "/orders", `{"customer_id": 4`)
	h.problem(resp, body, 400)
	resp, body = h.call("GET", "/orders/999999", "")
	h.problem(resp, body, 404)
	resp, body = h.call("DELETE", "/orders/1001", "")
	h.problem(resp, body, 405)
	if resp.Header.Get("Allow") != "GET" {
		t.Fatalf("Allow %q", resp.Header.Get("Allow"))
	}
}

func TestCursorPages(t *testing.T) {
	h := newHarness(t)
	for i := 0; i < 5; i++ {
		h.call("POST", "/orders", order)
	}
	var seen []float64
	path := "/orders?customer_id=42&limit=2"
	for path != "" {
		_, page := h.call("GET", path, "")
		for _, o := range page["items"].([]any) {
			seen = append(seen, o.(map[string]any)["id"].(float64))
		}
		path = ""
		if next, ok := page["next_cursor"].(string); ok {
			path = "/orders?customer_id=42&limit=2&cursor=" + next
		}
	}
	if fmt.Sprint(seen) != "[1005 1004 1003 1002 1001]" {
		t.Fatalf("pages gave %v", seen)
	}
	resp, body := h.call("GET", "/orders?limit=0&status=lost", "")
	h.problem(resp, body, 422)
}

func TestAuthentication(t *testing.T) {
	h := newHarness(t)
	for _, auth := range []string{"", "Bearer nope", "Basic eDp5"} {
		resp, body := h.call("GET", "/orders", "", "Authorization", auth)
		h.problem(resp, body, 401)
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="orders"`) {
			t.Fatalf("challenge %q", resp.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestIdempotencyPerClient(t *testing.T) {
	h := newHarness(t)
	_, first := h.call("POST", "/orders", order, "Idempotency-Key", "k-1")
	_, again := h.call("POST", "/orders", order, "Idempotency-Key", "k-1")
	if first["id"] != again["id"] {
		t.Fatalf("retry created %v after %v", again["id"], first["id"])
	}
	resp, body := h.call("POST", "/orders", strings.Replace(order, "42", "43", 1), "Idempotency-Key", "k-1")
	h.problem(resp, body, 409)
	_, theirs := h.call("POST", "/orders", order, "Idempotency-Key", "k-1", "Authorization", "Bearer key-two")
	if theirs["id"] == first["id"] {
		t.Fatal("another client's key collided with ours")
	}
}

func TestConditionalGet(t *testing.T) {
	h := newHarness(t)
	h.call("POST", "/orders", order)
	resp, _ := h.call("GET", "/orders/1001", "")
	etag := resp.Header.Get("ETag")
	if resp, _ = h.call("GET", "/orders/1001", "", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Fatalf("got %d", resp.StatusCode)
	}
	o := h.store.orders[1001]
	o.Status = "paid"
	h.store.orders[1001] = o
	if resp, _ = h.call("GET", "/orders/1001", "", "If-None-Match", etag); resp.StatusCode != 200 {
		t.Fatalf("got %d after a change", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t)
	h.srv.Config.Handler.(*App).RateLimit = 2
	h.call("GET", "/orders", "")
	h.call("GET", "/orders", "")
	resp, body := h.call("GET", "/orders", "")
	h.problem(resp, body, 429)
	if resp.Header.Get("Retry-After") != "30" {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	h.store.hitErr = errors.New("counter down")
	if resp, _ = h.call("GET", "/orders", ""); resp.StatusCode != 200 {
		t.Fatalf("a broken counter refused the request: %d", resp.StatusCode)
	}
}

func TestRequestIDAndMetrics(t *testing.T) {
	h := newHarness(t)
	resp, _ := h.call("GET", "/health", "", "X-Request-ID", "abc-1")
	if resp.Header.Get("X-Request-ID") != "abc-1" {
		t.Fatalf("request id %q", resp.Header.Get("X-Request-ID"))
	}
	h.call("GET", "/orders/1001", "")
	req, _ := http.NewRequest("GET", h.srv.URL+"/metrics", nil)
	mresp, _ := http.DefaultClient.Do(req)
	text, _ := io.ReadAll(mresp.Body)
	want := `http_requests_total{method="GET",route="/orders/{order_id}",status="404"} 1`
	if !strings.Contains(string(text), want) {
		t.Fatalf("metrics lack %s:\n%s", want, text)
	}
}
