package parley

import (
	"strings"
	"testing"
	"time"
)

func TestTaskReferenceValidate(t *testing.T) {
	for _, tc := range []struct {
		ref   TaskReference
		field string // "" when valid
	}{
		{TaskReference{"u", ReferenceURL, "https://crm.example.com/t/1?x=2#y"}, ""},
		{TaskReference{"u", ReferenceURL, "http://10.0.0.1:8080/"}, ""},
		{TaskReference{"u", ReferenceURL, "https:///no-host"}, "r.value"},
		{TaskReference{"u", ReferenceURL, "mailto:jo@example.com"}, "r.value"},
		{TaskReference{"u", ReferenceURL, "crm.example.com/t/1"}, "r.value"},
		{TaskReference{"n", ReferenceNumber, "-1.5e3"}, ""},
		{TaskReference{"n", ReferenceNumber, "42"}, ""},
		{TaskReference{"n", ReferenceNumber, " 42"}, "r.value"},
		{TaskReference{"n", ReferenceNumber, "1e999"}, "r.value"},
		{TaskReference{"n", ReferenceNumber, "Inf"}, "r.value"},
		{TaskReference{"d", ReferenceDate, "2026-03-01"}, ""},
		{TaskReference{"d", ReferenceDate, "2026-03-01T09:30:00+01:00"}, ""},
		{TaskReference{"d", ReferenceDate, "2026-03-01T09:30:00.123Z"}, ""},
		{TaskReference{"d", ReferenceDate, "2026-02-30"}, "r.value"},
		{TaskReference{"d", ReferenceDate, "2026-03-01T09:30:00"}, "r.value"},
		{TaskReference{"e", ReferenceEmail, "jo@example.com"}, ""},
		{TaskReference{"e", ReferenceEmail, "jo"}, "r.value"},
		{TaskReference{"e", ReferenceEmail, "jo@example.com, al@example.com"}, "r.value"},
		{TaskReference{"s", ReferenceString, ""}, ""},
		{TaskReference{"s", ReferenceString, strings.Repeat("é", MaxTaskReferenceValue)}, ""},
		{TaskReference{"s", ReferenceString, strings.Repeat("é", MaxTaskReferenceValue+1)}, "r.value"},
		{TaskReference{"s", ReferenceString, "\xff"}, "r.value"},
		{TaskReference{"", ReferenceString, "x"}, "r.name"},
		{TaskReference{"s", "url", "https://x.example"}, "r.type"},
	} {
		err := tc.ref.Validate("r")
		if tc.field == "" {
			if err != nil {
				t.Errorf("%+v: %v, want valid", tc.ref, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Code != EInvalid || e.Field != tc.field {
			t.Errorf("%+v: %v, want EInvalid on %s", tc.ref, err, tc.field)
		}
	}
}

func TestParseTaskReferences(t *testing.T) {
	got, err := ParseTaskReferences([]byte(`{"b": {"Type": "STRING", "Value": "2"}, "a": {"Type": "URL", "Value": "https://x.example"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (TaskReference{"a", ReferenceURL, "https://x.example"}) || got[1] != (TaskReference{"b", ReferenceString, "2"}) {
		t.Errorf("map form: %+v", got)
	}
	got, err = ParseTaskReferences([]byte(`[{"name": "z", "type": "NUMBER", "value": "1"}, {"name": "a", "type": "STRING", "value": ""}]`))
	if err != nil || len(got) != 2 || got[0].Name != "z" {
		t.Errorf("list form keeps order: %+v %v", got, err)
	}
	for _, bad := range []string{`"x"`, `[1]`, `{"a": 1}`, `[{"name": 2}]`, `{`} {
		if _, err := ParseTaskReferences([]byte(bad)); ErrorCodeOf(err) != EInvalid {
			t.Errorf("%s: %v, want EInvalid", bad, err)
		}
	}
	if got, err := ParseTaskReferences([]byte(" null ")); got != nil || err != nil {
		t.Errorf("null: %v %v", got, err)
	}
}

func TestTaskFromContact(t *testing.T) {
	paused := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	refs := []TaskReference{{"t", ReferenceURL, "https://x.example/1"}}
	c := &Contact{ID: "c1", Channel: ChannelTask, Attributes: map[string]string{
		"k": "v", AttrTaskReferences: EncodeTaskReferences(refs), AttrTaskFlowID: "f1", AttrTaskPausedAt: paused.Format(time.RFC3339Nano)}}
	tk, err := TaskFromContact(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Attributes) != 1 || tk.Attributes["k"] != "v" || tk.FlowID != "f1" || !tk.Paused() || !tk.PausedAt.Equal(paused) ||
		len(tk.References) != 1 || tk.References[0] != refs[0] {
		t.Errorf("task: %+v", tk)
	}
	if len(c.Attributes) != 4 {
		t.Errorf("TaskFromContact changed the contact's attributes: %v", c.Attributes)
	}
	if _, err := TaskFromContact(&Contact{Channel: ChannelVoice}); ErrorCodeOf(err) != EInvalid {
		t.Errorf("voice contact: %v", err)
	}
}
