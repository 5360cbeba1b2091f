package portal

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
)

// Integer is a whole number in a request body. JSON Schema, and so the
// OpenAPI document, counts any number without a fractional part as an
// integer: 1784725.0 and 1.5e3 are integers as much as 1784725 is, though
// encoding/json refuses them for an int64. One too large for an int64 is
// held as the largest, so that a limit check refuses it by its size.
type Integer int64

func (n *Integer) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil // as encoding/json leaves an int64
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if len(b) == 0 || b[0] == '"' || (err != nil && !math.IsInf(f, 0)) || f != math.Trunc(f) {
		return &json.UnmarshalTypeError{Value: "number " + string(b), Type: reflect.TypeFor[int64]()}
	}
	switch {
	case f >= math.MaxInt64:
		*n = math.MaxInt64
	case f <= math.MinInt64:
		*n = math.MinInt64
	case math.Abs(f) < 1<<53:
		*n = Integer(f)
	default:
		// Between 2^53 and the int64 limits a float is not exact: read the
		// digits themselves when they are plain.
		i, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			i = int64(f)
		}
		*n = Integer(i)
	}
	return nil
}
