package portal

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Date is a calendar date with no time of day or zone, as dates of service,
// birth and receipt are. It is written YYYY-MM-DD, which also sorts correctly
// as a string. The zero Date means "not set".
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date from 1900 to 2099: no date of birth,
// service or receipt lies outside, and year 1 would read as no date at all.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1900 || t.Year() > 2099 {
		return Date{}, fmt.Errorf("not a date in the form YYYY-MM-DD from 1900 to 2099")
	}
	return Date{t}, nil
}

// MustDate is ParseDate for literals known to be valid.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func (d Date) IsZero() bool { return d.t.IsZero() }

// Display is the date as a provider reads it, MM/DD/YYYY: every sentence
// the API writes for a person uses it; the API's fields keep YYYY-MM-DD.
func (d Date) Display() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("01/02/2006")
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// AddDate moves the date like time.Time.AddDate.
func (d Date) AddDate(years, months, days int) Date {
	return Date{d.t.AddDate(years, months, days)}
}

// Time returns midnight UTC at the start of the date.
func (d Date) Time() time.Time { return d.t }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	// An UnmarshalTypeError gets the field's name from encoding/json, so
	// that a bad date is reported by the field that holds it.
	bad := &json.UnmarshalTypeError{Value: "a date", Type: reflect.TypeFor[Date]()}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return bad
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(s)
	if err != nil {
		return bad
	}
	*d = p
	return nil
}

// Span is an inclusive range of dates. A zero To means open-ended.
type Span struct {
	From Date `json:"from"`
	To   Date `json:"to,omitempty"`
}

// Contains reports whether d falls within the span, ends included.
func (s Span) Contains(d Date) bool {
	if d.Before(s.From) {
		return false
	}
	return s.To.IsZero() || !d.After(s.To)
}

// Validate checks that the span starts and does not end before it starts.
func (s Span) Validate() error {
	if s.From.IsZero() {
		return fmt.Errorf("a span needs a start date")
	}
	if !s.To.IsZero() && s.To.Before(s.From) {
		return fmt.Errorf("a span cannot end before it starts")
	}
	return nil
}

// MarshalText and UnmarshalText let stores keep a Date as its YYYY-MM-DD
// string.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
