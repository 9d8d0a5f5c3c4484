package parley

import (
	"testing"
	"time"
)

func TestHoursIsOpen(t *testing.T) {
	h := &HoursOfOperation{Name: "Office", TimeZone: "Europe/London", Config: []HoursRange{
		{Day: Monday, StartTime: TimeOfDay{9, 0}, EndTime: TimeOfDay{17, 30}},
		{Day: Friday, StartTime: TimeOfDay{22, 0}, EndTime: TimeOfDay{2, 0}}, // past midnight into Saturday
		{Day: Sunday, StartTime: TimeOfDay{0, 0}, EndTime: TimeOfDay{24, 0}},
	}, Overrides: []HoursOverride{
		{Name: "Bank holiday", Type: OverrideClosed, EffectiveFrom: "2026-08-31", EffectiveTill: "2026-08-31"},
		{Name: "Late opening", Type: OverrideOpen, EffectiveFrom: "2026-09-07", EffectiveTill: "2026-09-08",
			Ranges: []TimeRange{{StartTime: TimeOfDay{12, 0}, EndTime: TimeOfDay{20, 0}}}},
	}}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		when string
		want bool
	}{
		{"2026-11-23 08:59", false}, // Monday before opening
		{"2026-11-23 09:00", true},  // opening minute
		{"2026-11-23 17:29", true},
		{"2026-11-23 17:30", false}, // the end is exclusive
		{"2026-11-24 10:00", false}, // Tuesday: no range
		{"2026-11-27 21:59", false}, // Friday before the night range
		{"2026-11-27 23:00", true},  // Friday night
		{"2026-11-28 01:59", true},  // Saturday morning, Friday's range spilling over
		{"2026-11-28 02:00", false},
		{"2026-11-29 00:00", true}, // Sunday all day
		{"2026-11-29 23:59", true},
		{"2026-08-31 10:00", false}, // a Monday, closed by the override
		{"2026-09-07 10:00", false}, // a Monday, but the override opens at noon
		{"2026-09-07 19:00", true},  // open late by the override
		{"2026-09-08 13:00", true},  // a Tuesday, opened by the override
		{"2026-03-30 09:30", true},  // a Monday after the clocks changed (BST)
	} {
		got, err := h.IsOpen(at(tc.when))
		if err != nil || got != tc.want {
			t.Errorf("IsOpen(%s) = %v, %v; want %v", tc.when, got, err, tc.want)
		}
	}
	// The same instant seen from another zone gives the same answer.
	if got, _ := h.IsOpen(at("2026-11-23 09:00").In(time.UTC)); !got {
		t.Error("IsOpen depends on the zone of its argument")
	}
}

func TestValidateErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"empty queue", (&Queue{}).Validate(), "name"},
		{"queue without hours", (&Queue{Name: "Q"}).Validate(), "hoursOfOperationId"},
		{"negative capacity", (&Queue{Name: "Q", HoursOfOperationID: "h", MaxContacts: -1}).Validate(), "maxContacts"},
		{"duplicate quick connect", (&Queue{Name: "Q", HoursOfOperationID: "h", QuickConnectIDs: []QuickConnectID{"a", "a"}}).Validate(), "quickConnectIds[1]"},
		{"no channels", (&RoutingProfile{Name: "P", DefaultOutboundQueueID: "q"}).Validate(), "mediaConcurrencies"},
		{"entry for an unhandled channel", (&RoutingProfile{Name: "P", DefaultOutboundQueueID: "q",
			MediaConcurrencies: []MediaConcurrency{{Channel: ChannelVoice, Concurrency: 1}},
			Queues:             []RoutingProfileQueue{{QueueID: "q", Channel: ChannelChat, Priority: 1}}}).Validate(), "queues[0].channel"},
		{"chat concurrency 11", (&RoutingProfile{Name: "P", DefaultOutboundQueueID: "q",
			MediaConcurrencies: []MediaConcurrency{{Channel: ChannelChat, Concurrency: 11}}}).Validate(), "mediaConcurrencies[0].concurrency"},
		{"quick connect to a queue with a number", (&QuickConnect{Name: "X", Type: QuickConnectQueue, QueueID: "q", PhoneNumber: "+1555"}).Validate(), "type"},
		{"external function timeout", (&ExternalFunction{Name: "F", URL: "https://x", Secret: "0123456789abcdef", TimeoutSeconds: 9}).Validate(), "timeoutSeconds"},
		{"external function scheme", (&ExternalFunction{Name: "F", URL: "ftp://x", Secret: "0123456789abcdef"}).Validate(), "url"},
		{"audio prompt with text", (&Prompt{Name: "P", Type: PromptAudio, Text: "hi"}).Validate(), "text"},
		{"name with a newline", (&AgentStatus{Name: "A\nB", Type: StatusCustom, DisplayOrder: 1}).Validate(), "name"},
		{"override ending before it starts", (&HoursOfOperation{Name: "H", TimeZone: "UTC", Overrides: []HoursOverride{
			{Name: "O", Type: OverrideClosed, EffectiveFrom: "2026-02-02", EffectiveTill: "2026-02-01"}}}).Validate(), "overrides[0].effectiveTill"},
		{"24:30", (&HoursOfOperation{Name: "H", TimeZone: "UTC", Config: []HoursRange{
			{Day: Monday, StartTime: TimeOfDay{9, 0}, EndTime: TimeOfDay{24, 30}}}}).Validate(), "config[0].endTime"},
	} {
		e := AsError(tc.err)
		if e == nil || e.Code != EInvalid || e.Field != tc.field {
			t.Errorf("%s: %v; want EInvalid on %q", tc.name, tc.err, tc.field)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	if ErrorCodeOf(nil) != "" || ErrorCodeOf(Conflictf("x")) != EConflict || ErrorCodeOf(errPlain("boom")) != EInternal {
		t.Fatal("ErrorCodeOf")
	}
	if ErrorMessage(errPlain("secret detail")) != "internal error" {
		t.Fatal("internal error text leaks")
	}
}

type errPlain string

func (e errPlain) Error() string { return string(e) }
