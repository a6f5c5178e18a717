package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// memory is a Store in memory, so the HTTP layer's tests need neither a database nor a driver.
type memory struct {
	mu       sync.Mutex
	prices   map[int64]int64
	orders   map[int64]Order
	keys     map[string]Idempotency
	keyOrder map[string]int64
	clients  map[string]int64
	hits     map[int64]int
	nextID   int64
	hitErr   error
}

func newMemory() *memory {
	return &memory{prices: map[int64]int64{7: 1250, 8: 3900, 9: 450}, orders: map[int64]Order{},
		keys: map[string]Idempotency{}, keyOrder: map[string]int64{}, clients: map[string]int64{},
		hits: map[int64]int{}, nextID: 1001}
}

func (m *memory) CreateOrder(_ context.Context, idem Idempotency, customerID int64, lines []Line) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	scoped := fmt.Sprintf("%d/%s", idem.ClientID, idem.Key)
	if seen, ok := m.keys[scoped]; ok && idem.Key != "" {
		if string(seen.Hash) != string(idem.Hash) {
			return Order{}, ErrKeyReused
		}
		return m.orders[m.keyOrder[scoped]], nil
	}
	items, total, err := priceLines(lines, m.prices)
	if err != nil {
		return Order{}, err
	}
	o := Order{ID: m.nextID, CustomerID: customerID, Status: "pending", Items: items, TotalCents: total,
		CreatedAt: timestamp(time.Now())}
	m.nextID++
	m.orders[o.ID] = o
	if idem.Key != "" {
		m.keys[scoped], m.keyOrder[scoped] = idem, o.ID
	}
	return o, nil
}

func (m *memory) GetOrder(_ context.Context, id int64) (Order, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	return o, ok, nil
}

func (m *memory) ListOrders(_ context.Context, q ListQuery) ([]Order, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var found []Order
	for _, o := range m.orders {
		if (q.CustomerID == 0 || o.CustomerID == q.CustomerID) && (q.Status == "" || o.Status == q.Status) &&
			(q.AfterID == 0 || o.ID < q.AfterID) {
			found = append(found, o)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].ID > found[j].ID })
	if len(found) <= q.Limit {
		return found, 0, nil
	}
	return found[:q.Limit], found[q.Limit-1].ID, nil
}

func (m *memory) ClientByKeyHash(_ context.Context, hash []byte) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.clients[string(hash)]
	return id, ok, nil
}

func (m *memory) Hit(_ context.Context, clientID int64) (int, float64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hitErr != nil {
		return 0, 0, m.hitErr
	}
	m.hits[clientID]++
	return m.hits[clientID], 30, nil
}
