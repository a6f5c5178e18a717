// Routing: a table of path patterns, each with its handlers by method.
package main

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Go 1.22's ServeMux matches "GET /orders/{id}" itself; this table does the same on Go 1.19,
// and answers a known path with a wrong method with 405 and an Allow header.
func (a *App) routes() []route {
	return []route{
		{"/health", regexp.MustCompile(`^/health$`), map[string]handler{"GET": a.health}},
		{"/orders", regexp.MustCompile(`^/orders$`), map[string]handler{"GET": a.list, "POST": a.create}},
		{"/orders/{order_id}", regexp.MustCompile(`^/orders/([^/]+)$`), map[string]handler{"GET": a.get}},
		{"/metrics", regexp.MustCompile(`^/metrics$`), map[string]handler{"GET": a.Metrics.serve}},
	}
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.observe(w, r, func(w http.ResponseWriter) string {
		for _, rt := range a.routes() {
			m := rt.pattern.FindStringSubmatch(r.URL.Path)
			if m == nil {
				continue
			}
			h, ok := rt.methods[r.Method]
			if !ok {
				allow := make([]string, 0, len(rt.methods))
				for method := range rt.methods {
					allow = append(allow, method)
				}
				sort.Strings(allow)
				a.fail(w, r, &Problem{Status: 405, Detail: r.Method + " is not allowed here.",
					Headers: map[string]string{"Allow": strings.Join(allow, ", ")}})
				return rt.template
			}
			if err := h(w, r, m[len(m)-1]); err != nil {
				a.fail(w, r, err)
			}
			return rt.template
		}
		a.fail(w, r, &Problem{Status: 404, Detail: "There is nothing at " + r.URL.Path + "."})
		return "unmatched"
	})
}
