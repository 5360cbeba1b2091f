package httpapi

import (
	"net/url"
	"strconv"

	"github.com/openpayer/provider-portal/shared/portal"
)

// DefaultPageSize is a list's page when the query names none.
const DefaultPageSize = 25

// Window reads a dated list's window from its query, the same for every
// list: from and to (days; by default the last two years), limit (1 to
// 100) and cursor. Each problem goes into f, so that one answer names them
// all.
func Window(q url.Values, today portal.Date, f portal.Problems) portal.Window {
	w := portal.Window{From: today.AddDate(-2, 0, 0), To: today, Limit: DefaultPageSize, Cursor: q.Get("cursor")}
	for name, dst := range map[string]*portal.Date{"from": &w.From, "to": &w.To} {
		if q.Has(name) {
			day, err := portal.ParseDate(q.Get(name))
			if err != nil {
				f.Set(name, portal.SayDate)
				continue
			}
			*dst = day
		}
	}
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > 100 {
			f.Set("limit", portal.SayPageSize)
		}
		w.Limit = n
	}
	if _, bad := f["from"]; !bad && f["to"] == "" && w.To.Before(w.From) {
		f.Set("to", portal.SayToAfterFrom)
	}
	return w
}
