package pas

import (
	"encoding/json"
	"testing"
)

// An entry's type and id are read wherever they are in the resource, and
// a resource that is not an object, or whose type is not a string, is
// unreadable.
func TestAnEntrysHeadIsReadWhereverItIs(t *testing.T) {
	for raw, want := range map[string]entryHead{
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Quinn"}]}`:                          {ResourceType: "Patient", ID: "p1"},
		`{"content":[{"attachment":{"data":"AAAA"}}],"id":"d1","resourceType":"DocumentReference"}`: {ResourceType: "DocumentReference", ID: "d1"},
		`{"resourceType":"Coverage"}`: {ResourceType: "Coverage"},
		`{"resourceType":5,"id":"x"}`: {unreadable: true},
		`[1,2]`:                       {unreadable: true},
		`"Patient"`:                   {unreadable: true},
	} {
		if got := head(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %+v, want %+v", raw, got, want)
		}
	}
}
