package parley

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an error for the boundaries: HTTP maps codes to statuses in one table,
// SIP to responses in another.
type ErrorCode string

// Error codes.
const (
	EInvalid      ErrorCode = "invalid"      // bad input: 400
	ENotFound     ErrorCode = "not_found"    // unknown ID: 404
	EConflict     ErrorCode = "conflict"     // duplicate name, entity in use: 409
	EUnauthorized ErrorCode = "unauthorized" // no or bad credentials: 401
	EForbidden    ErrorCode = "forbidden"    // missing permission: 403
	ETooMany      ErrorCode = "too_many"     // slow down (e.g. repeated failed sign-ins): 429
	EUnavailable  ErrorCode = "unavailable"  // temporarily unable (full, shutting down): 503
	EInternal     ErrorCode = "internal"     // a bug or an I/O failure: 500, logged, text hidden
)

// Error is a domain error: a code, a message meant for the user, and where relevant the field
// that was wrong or the permission that was missing.
type Error struct {
	Code       ErrorCode
	Message    string
	Field      string        // the offending field of the input, in the wire's lowerCamel form
	Permission Permission    // for EForbidden: the permission the caller lacks
	Details    []ErrorDetail // every problem, when there are several (e.g. a flow's validation)
}

// ErrorDetail is one problem among several.
type ErrorDetail struct {
	Field   string // where, e.g. "Actions[menu-1].Parameters.Text"
	Message string // what is wrong and what is expected
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("parley error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("parley error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns an EInvalid error about one field. The message should say what was wrong and
// what is allowed.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// NotFoundf returns an ENotFound error.
func NotFoundf(format string, args ...any) *Error { return Errorf(ENotFound, format, args...) }

// Conflictf returns an EConflict error.
func Conflictf(format string, args ...any) *Error { return Errorf(EConflict, format, args...) }

// Forbidden returns the EForbidden error for a missing permission.
func Forbidden(p Permission) *Error {
	return &Error{Code: EForbidden, Permission: p, Message: "missing permission " + string(p)}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, EInternal for any other
// non-nil error, and "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err: the *Error's message, or a generic text
// for internal errors (whose details must never reach a user).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
