package app

import (
	"context"
	"errors"
	"net"
	"net/url"

	"github.com/parley-cc/parley/backend/api"
)

// Error codes the app adds to the backend's (invalid, unauthorized, forbidden, not_found,
// conflict, unavailable, internal).
const (
	CodeUnreachable = "unreachable" // the backend did not answer (network, address, server down)
	CodeNotSignedIn = "not_signed_in"
	CodeInvalid     = "invalid"
	CodeInternal    = "internal"
	CodeUnavailable = "unavailable"
)

// Error is what a bound method's promise rejects with in the frontend.
type Error struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Field      string `json:"field,omitempty"`
	Permission string `json:"permission,omitempty"`
	Status     int    `json:"status,omitempty"` // the HTTP status, when the backend answered
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// ErrorObject turns any error returned by a bound method into the object the frontend sees.
// main.go passes it to Wails as options.App.ErrorFormatter.
func ErrorObject(err error) any {
	if err == nil {
		return nil
	}
	return toError(err)
}

func toError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var re *api.ResponseError
	if errors.As(err, &re) {
		return &Error{Code: re.Err.Code, Message: re.Err.Message, Field: re.Err.Field,
			Permission: re.Err.Permission, Status: re.Status}
	}
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeUnreachable, Message: err.Error()}
	}
	return &Error{Code: CodeInternal, Message: err.Error()}
}

// codeOf is the error code of err ("" for nil).
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return toError(err).Code
}
