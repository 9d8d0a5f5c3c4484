package parley

import (
	"context"
	"fmt"
	"time"
)

// Weekday names as Amazon Connect writes them.
type Weekday string

// Weekdays.
const (
	Sunday    Weekday = "SUNDAY"
	Monday    Weekday = "MONDAY"
	Tuesday   Weekday = "TUESDAY"
	Wednesday Weekday = "WEDNESDAY"
	Thursday  Weekday = "THURSDAY"
	Friday    Weekday = "FRIDAY"
	Saturday  Weekday = "SATURDAY"
)

var weekdays = []Weekday{Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday}

// TimeOfDay is a wall-clock time in the hours' time zone. 24:00 is allowed as an end time.
type TimeOfDay struct {
	Hours   int
	Minutes int
}

func (t TimeOfDay) minutes() int { return t.Hours*60 + t.Minutes }

// String formats t as HH:MM.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hours, t.Minutes) }

func (t TimeOfDay) validate(field string) error {
	if t.Hours < 0 || t.Hours > 24 || t.Minutes < 0 || t.Minutes > 59 || (t.Hours == 24 && t.Minutes != 0) {
		return Invalidf(field, "%s is not a time of day; hours 0-23 and minutes 0-59, or 24:00", t)
	}
	return nil
}

// HoursRange is an open interval on one weekday. An end before the start runs past midnight
// into the next day, as in Amazon Connect.
type HoursRange struct {
	Day       Weekday
	StartTime TimeOfDay
	EndTime   TimeOfDay
}

// OverrideType says whether an override opens or closes.
type OverrideType string

// Override types.
const (
	OverrideOpen   OverrideType = "OPEN"   // open only during Ranges on the override's dates
	OverrideClosed OverrideType = "CLOSED" // closed all day on the override's dates
)

// HoursOverride replaces the weekly schedule on a span of dates (holidays, special openings).
type HoursOverride struct {
	Name          string
	Type          OverrideType
	EffectiveFrom string // YYYY-MM-DD, in the hours' time zone, inclusive
	EffectiveTill string // YYYY-MM-DD, inclusive
	Ranges        []TimeRange
}

// TimeRange is an interval within a day.
type TimeRange struct {
	StartTime TimeOfDay
	EndTime   TimeOfDay
}

// HoursOfOperation is a weekly schedule in a time zone, with date overrides.
type HoursOfOperation struct {
	ID          HoursOfOperationID
	Name        string
	Description string
	TimeZone    string // IANA name, e.g. "Europe/London"
	Config      []HoursRange
	Overrides   []HoursOverride
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const dateLayout = "2006-01-02"

// Validate checks the schedule.
func (h *HoursOfOperation) Validate() error {
	if err := firstError(ValidateName("name", h.Name), ValidateDescription("description", h.Description)); err != nil {
		return err
	}
	if h.TimeZone == "" {
		return Invalidf("timeZone", "is required, an IANA time zone name such as Europe/London or UTC")
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil {
		return Invalidf("timeZone", "%q is not a known IANA time zone name (such as Europe/London or UTC)", h.TimeZone)
	}
	for i, r := range h.Config {
		if err := oneOf(indexField("config", i, "day"), r.Day, weekdays...); err != nil {
			return err
		}
		if err := firstError(r.StartTime.validate(indexField("config", i, "startTime")), r.EndTime.validate(indexField("config", i, "endTime"))); err != nil {
			return err
		}
		if r.StartTime == r.EndTime {
			return Invalidf(indexField("config", i, "endTime"), "equals the start time; a range must not be empty")
		}
	}
	for i, o := range h.Overrides {
		if err := ValidateName(indexField("overrides", i, "name"), o.Name); err != nil {
			return err
		}
		if err := oneOf(indexField("overrides", i, "type"), o.Type, OverrideOpen, OverrideClosed); err != nil {
			return err
		}
		from, err1 := time.Parse(dateLayout, o.EffectiveFrom)
		till, err2 := time.Parse(dateLayout, o.EffectiveTill)
		if err1 != nil {
			return Invalidf(indexField("overrides", i, "effectiveFrom"), "%q is not a date; use YYYY-MM-DD", o.EffectiveFrom)
		}
		if err2 != nil {
			return Invalidf(indexField("overrides", i, "effectiveTill"), "%q is not a date; use YYYY-MM-DD", o.EffectiveTill)
		}
		if till.Before(from) {
			return Invalidf(indexField("overrides", i, "effectiveTill"), "is before effectiveFrom")
		}
		if o.Type == OverrideClosed && len(o.Ranges) > 0 {
			return Invalidf(indexField("overrides", i, "ranges"), "must be empty for a CLOSED override")
		}
		for j, r := range o.Ranges {
			f := fmt.Sprintf("overrides[%d].ranges[%d]", i, j)
			if err := firstError(r.StartTime.validate(f+".startTime"), r.EndTime.validate(f+".endTime")); err != nil {
				return err
			}
			if r.EndTime.minutes() <= r.StartTime.minutes() {
				return Invalidf(f+".endTime", "must be after the start time within the day")
			}
		}
	}
	return nil
}

// IsOpen reports whether the schedule is open at t. Overrides on t's date (in the hours' time
// zone) replace the weekly schedule; the last override listed wins when several apply.
func (h *HoursOfOperation) IsOpen(t time.Time) (bool, error) {
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		return false, Invalidf("timeZone", "%q is not a known IANA time zone name", h.TimeZone)
	}
	local := t.In(loc)
	date := local.Format(dateLayout)
	now := local.Hour()*60 + local.Minute()
	for i := len(h.Overrides) - 1; i >= 0; i-- {
		o := h.Overrides[i]
		if date < o.EffectiveFrom || date > o.EffectiveTill {
			continue
		}
		if o.Type == OverrideClosed {
			return false, nil
		}
		for _, r := range o.Ranges {
			if now >= r.StartTime.minutes() && now < r.EndTime.minutes() {
				return true, nil
			}
		}
		return false, nil
	}
	today := weekdays[local.Weekday()]
	yesterday := weekdays[(local.Weekday()+6)%7]
	for _, r := range h.Config {
		start, end := r.StartTime.minutes(), r.EndTime.minutes()
		switch {
		case r.Day == today && start < end && now >= start && now < end:
			return true, nil
		case r.Day == today && start > end && now >= start: // runs past midnight
			return true, nil
		case r.Day == yesterday && start > end && now < end: // yesterday's range spilling over
			return true, nil
		}
	}
	return false, nil
}

// HoursService manages hours of operation.
type HoursService interface {
	FindHoursByID(ctx context.Context, id HoursOfOperationID) (*HoursOfOperation, error)
	FindHours(ctx context.Context) ([]*HoursOfOperation, error)
	// CreateHours: EInvalid, EConflict (name).
	CreateHours(ctx context.Context, h *HoursOfOperation) error
	// UpdateHours: ENotFound, EInvalid, EConflict (name).
	UpdateHours(ctx context.Context, h *HoursOfOperation) error
	// DeleteHours: ENotFound; EConflict while a queue uses them.
	DeleteHours(ctx context.Context, id HoursOfOperationID) error
}
