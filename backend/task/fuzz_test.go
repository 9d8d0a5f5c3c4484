package task

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/parley"
)

// FuzzStartTaskRequest feeds outside input through reference decoding and request validation:
// neither panics; every rejection is an EInvalid error naming a field of the request; whatever
// is accepted survives storage (encode, decode from the contact) unchanged.
func FuzzStartTaskRequest(f *testing.F) {
	f.Add([]byte(`{"ticket": {"Type": "URL", "Value": "https://crm.example.com/t/1"}, "n": {"Type": "NUMBER", "Value": "4.5"}}`), "Refund", "customer", int64(60))
	f.Add([]byte(`[{"name": "due", "type": "DATE", "value": "2026-03-05"}, {"name": "mail", "type": "EMAIL", "value": "jo@example.com"}]`), "Call", "k", int64(0))
	f.Add([]byte(`[{"name": "when", "type": "DATE", "value": "2026-03-05T10:00:00+01:00"}]`), "x", "parley:flowId", int64(-30))
	f.Add([]byte(`[{"name": "a", "type": "STRING", "value": ""}, {"name": "a", "type": "STRING", "value": ""}]`), "dup", "", int64(7*86400))
	f.Add([]byte(`{"x": {"Type": "URL", "Value": "javascript:alert(1)"}}`), "", "k", int64(-3600))
	f.Add([]byte(`[{"name": 1}]`), "bad", "k", int64(1))
	f.Add([]byte(`null`), strings.Repeat("é", 513), "k", int64(1))
	f.Add([]byte(`"text"`), "t", "k", int64(1))
	f.Fuzz(func(t *testing.T, data []byte, name, attrKey string, offset int64) {
		refs, err := parley.ParseTaskReferences(data)
		if err != nil {
			if e := parley.AsError(err); e == nil || e.Code != parley.EInvalid || e.Field != "references" {
				t.Fatalf("decode error %v: want EInvalid on field references", err)
			}
			return
		}
		req := parley.StartTaskRequest{Name: name, References: refs, Attributes: map[string]string{attrKey: "v"}}
		if offset != 0 {
			at := t0.Add(time.Duration(offset%(30*86400)) * time.Second)
			req.ScheduledAt = &at
		}
		if err := req.Validate(t0); err != nil {
			e := parley.AsError(err)
			if e == nil || e.Code != parley.EInvalid || e.Field == "" || !strings.HasPrefix(e.Message, e.Field+": ") {
				t.Fatalf("validation error %#v: want EInvalid naming the field", err)
			}
			known := false
			for _, p := range []string{"name", "description", "references", "attributes", "scheduledAt"} {
				known = known || strings.HasPrefix(e.Field, p)
			}
			if !known {
				t.Fatalf("validation error names field %q, not a field of the request", e.Field)
			}
			return
		}
		if len(refs) > parley.MaxTaskReferences {
			t.Fatalf("accepted %d references", len(refs))
		}
		c := &parley.Contact{ID: "c", Channel: parley.ChannelTask, Attributes: map[string]string{attrKey: "v"}}
		if enc := parley.EncodeTaskReferences(refs); enc != "" {
			c.Attributes[parley.AttrTaskReferences] = enc
		}
		tk, err := parley.TaskFromContact(c)
		if err != nil {
			t.Fatalf("stored references do not decode: %v", err)
		}
		if len(refs) == 0 {
			refs = nil
		}
		if d := cmp.Diff(refs, tk.References); d != "" {
			t.Fatalf("references changed through storage (-want +got):\n%s", d)
		}
		if tk.Attributes[attrKey] != "v" || len(tk.Attributes) != 1 {
			t.Fatalf("user attributes changed through storage: %v", tk.Attributes)
		}
	})
}
