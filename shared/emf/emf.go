// Package emf turns JSON log lines into CloudWatch metrics with the
// embedded metric format: a line that carries an `_aws` member is also a
// set of metric values, one per named attribute of the same line, with the
// line's other attributes as dimensions. Lambda ships the lines; nothing is
// called at request time.
package emf

import (
	"log/slog"
	"time"
)

// Namespace is where the portal's metrics go; the template's alarms and
// dashboard read them there.
const Namespace = "ProviderPortal"

// Metric names one value of the line and its unit (Count, Milliseconds,
// Seconds).
type Metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// Directive is a set of metrics and the attributes of the line they are
// dimensioned by.
type Directive struct {
	Dimensions []string
	Metrics    []Metric
}

// Attr is the `_aws` member that makes a log line carry metrics.
func Attr(at time.Time, ds ...Directive) slog.Attr {
	cw := make([]map[string]any, 0, len(ds))
	for _, d := range ds {
		cw = append(cw, map[string]any{"Namespace": Namespace, "Dimensions": [][]string{d.Dimensions}, "Metrics": d.Metrics})
	}
	return slog.Any("_aws", map[string]any{"Timestamp": at.UnixMilli(), "CloudWatchMetrics": cw})
}
