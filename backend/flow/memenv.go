package flow

import (
	"fmt"
	"strings"
	"time"
)

// MemEnv is an Env held in memory, for the simulator, tests and tools. A
// reference matches an item by ID, ARN, name, or by the last part of an ARN
// ("arn:...:queue/<id>" matches the queue with that ID). The zero value is an
// empty environment; it is not safe for concurrent writes.
type MemEnv struct {
	Flows   map[string]*Flow        // by ID (Flow.ID or Flow.Name may also match)
	Queues  []Queue                 //
	Agents  []Agent                 //
	Hours   []Hours                 //
	Prompts []Prompt                //
	Metrics map[string]QueueMetrics // by queue ID
	// AtCapacity lists the queues (by ID) that are full.
	AtCapacity map[string]bool

	// AnyQueue makes unknown queue references resolve to a queue whose ID
	// and name are the reference, for simulating flows written for another
	// instance. AnyPrompt does the same for prompts; AnyHours makes unknown
	// hours of operation always open.
	AnyQueue, AnyPrompt, AnyHours bool
}

var _ Env = (*MemEnv)(nil)

// Hours are hours of operation: open ranges per weekday in a time zone.
type Hours struct {
	ID   string `json:"id"`
	ARN  string `json:"arn,omitempty"`
	Name string `json:"name,omitempty"`
	// TimeZone is an IANA name such as "Europe/Paris"; default UTC.
	TimeZone string `json:"timeZone,omitempty"`
	// Config lists the open ranges.
	Config []HoursRange `json:"config"`
	// Closed lists dates (YYYY-MM-DD, in TimeZone) when the hours are closed
	// all day, such as holidays.
	Closed []string `json:"closed,omitempty"`
}

// HoursRange is one open range: Day is MONDAY..SUNDAY, Start and End are
// "HH:MM" (End "00:00" or "24:00" is midnight at the end of the day).
type HoursRange struct {
	Day   string `json:"day"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// OpenAt reports whether the hours are open at t.
func (h Hours) OpenAt(t time.Time) (bool, error) {
	loc := time.UTC
	if h.TimeZone != "" {
		l, err := time.LoadLocation(h.TimeZone)
		if err != nil {
			return false, fmt.Errorf("hours %q: time zone: %w", h.ID, err)
		}
		loc = l
	}
	lt := t.In(loc)
	date := lt.Format("2006-01-02")
	for _, d := range h.Closed {
		if d == date {
			return false, nil
		}
	}
	day := strings.ToUpper(lt.Weekday().String())
	mins := lt.Hour()*60 + lt.Minute()
	for _, r := range h.Config {
		if !strings.EqualFold(r.Day, day) {
			continue
		}
		start, err1 := hhmm(r.Start)
		end, err2 := hhmm(r.End)
		if err1 != nil || err2 != nil {
			return false, fmt.Errorf("hours %q: bad range %s-%s", h.ID, r.Start, r.End)
		}
		if end == 0 {
			end = 24 * 60
		}
		if mins >= start && mins < end {
			return true, nil
		}
	}
	return false, nil
}

func hhmm(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		if s == "24:00" {
			return 24 * 60, nil
		}
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// matchRef reports whether ref names the item with this ID, ARN or name.
func matchRef(ref, id, arn, name string) bool {
	if ref == "" {
		return false
	}
	if ref == id || (arn != "" && ref == arn) || (name != "" && ref == name) {
		return true
	}
	if i := strings.LastIndexAny(ref, "/:"); i >= 0 && id != "" && ref[i+1:] == id {
		return true
	}
	return false
}

// Flow implements Env.
func (m *MemEnv) Flow(ref string) (*Flow, error) {
	if f, ok := m.Flows[ref]; ok {
		return f, nil
	}
	for id, f := range m.Flows {
		if matchRef(ref, id, "", f.Name) || matchRef(ref, f.ID, "", "") {
			return f, nil
		}
	}
	return nil, ErrNotFound
}

// Queue implements Env.
func (m *MemEnv) Queue(ref string) (Queue, error) {
	for _, q := range m.Queues {
		if matchRef(ref, q.ID, q.ARN, q.Name) {
			return q, nil
		}
	}
	if m.AnyQueue && ref != "" {
		return Queue{ID: ref, Name: ref}, nil
	}
	return Queue{}, ErrNotFound
}

// Agent implements Env.
func (m *MemEnv) Agent(ref string) (Agent, error) {
	for _, a := range m.Agents {
		if matchRef(ref, a.ID, a.ARN, a.Name) {
			return a, nil
		}
	}
	return Agent{}, ErrNotFound
}

// HoursOpen implements Env.
func (m *MemEnv) HoursOpen(ref string, t time.Time) (bool, error) {
	for _, h := range m.Hours {
		if matchRef(ref, h.ID, h.ARN, h.Name) {
			return h.OpenAt(t)
		}
	}
	if m.AnyHours {
		return true, nil
	}
	return false, ErrNotFound
}

// QueueMetrics implements Env.
func (m *MemEnv) QueueMetrics(queueID string) (QueueMetrics, error) {
	if _, err := m.Queue(queueID); err != nil {
		return QueueMetrics{}, err
	}
	return m.Metrics[queueID], nil
}

// QueueAtCapacity implements Env.
func (m *MemEnv) QueueAtCapacity(queueID string) (bool, error) {
	if _, err := m.Queue(queueID); err != nil {
		return false, err
	}
	return m.AtCapacity[queueID], nil
}

// Prompt implements Env.
func (m *MemEnv) Prompt(ref string) (Prompt, error) {
	for _, p := range m.Prompts {
		if matchRef(ref, p.ID, p.ARN, p.Name) {
			return p, nil
		}
	}
	if m.AnyPrompt && ref != "" {
		return Prompt{ID: ref, Name: ref}, nil
	}
	return Prompt{}, ErrNotFound
}
