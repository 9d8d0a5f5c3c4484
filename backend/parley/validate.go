package parley

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on free-text fields shared by every configuration entity.
const (
	MaxNameLength        = 127
	MaxDescriptionLength = 250
)

// ValidateName checks a display name: required, at most MaxNameLength characters, no control
// characters, no leading or trailing space.
func ValidateName(field, s string) error {
	switch {
	case s == "":
		return Invalidf(field, "is required (1 to %d characters)", MaxNameLength)
	case !utf8.ValidString(s):
		return Invalidf(field, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > MaxNameLength:
		return Invalidf(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(s), MaxNameLength)
	case strings.TrimSpace(s) != s:
		return Invalidf(field, "must not start or end with white space")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return Invalidf(field, "must not contain control characters")
	}
	return nil
}

// ValidateDescription checks an optional description: at most MaxDescriptionLength characters.
func ValidateDescription(field, s string) error {
	if !utf8.ValidString(s) {
		return Invalidf(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > MaxDescriptionLength {
		return Invalidf(field, "is %d characters long; at most %d are allowed", n, MaxDescriptionLength)
	}
	return nil
}

// ValidateRange checks that n lies in [min, max].
func ValidateRange(field string, n, min, max int) error {
	if n < min || n > max {
		return Invalidf(field, "is %d; must be between %d and %d", n, min, max)
	}
	return nil
}

// ValidateRequiredID checks that a reference is present.
func ValidateRequiredID[T ~string](field string, id T) error {
	if id == "" {
		return Invalidf(field, "is required (the ID of an existing entity)")
	}
	return nil
}

var (
	e164Pattern  = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	localPattern = regexp.MustCompile(`^[0-9]{2,15}$`)
)

// ValidatePhoneNumber accepts an E.164 number (+ and up to 15 digits) or a local number of 2 to
// 15 digits (extensions and short numbers on a private SIP network).
func ValidatePhoneNumber(field, s string) error {
	if !e164Pattern.MatchString(s) && !localPattern.MatchString(s) {
		return Invalidf(field, "%q is not a phone number; use E.164 (+ then up to 15 digits, e.g. +442071838750) or 2 to 15 digits for a local number", s)
	}
	return nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func oneOf[T ~string](field string, v T, allowed ...T) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	list := make([]string, len(allowed))
	for i, a := range allowed {
		list[i] = string(a)
	}
	return Invalidf(field, "is %q; must be one of %s", string(v), strings.Join(list, ", "))
}

// indexField names a field of an element of a list, e.g. "queueConfigs[2].priority".
func indexField(list string, i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, field)
}
