package api

import "net/http"

// statusByCode maps each error code to its HTTP status: the one table every HTTP boundary of
// the backend uses (the API and the customer chat).
var statusByCode = map[string]int{
	"invalid":      http.StatusBadRequest,
	"not_found":    http.StatusNotFound,
	"conflict":     http.StatusConflict,
	"unauthorized": http.StatusUnauthorized,
	"forbidden":    http.StatusForbidden,
	"too_many":     http.StatusTooManyRequests,
	"unavailable":  http.StatusServiceUnavailable,
	"internal":     http.StatusInternalServerError,
}

// HTTPStatus returns the HTTP status of an error code (500 for an unknown one).
func HTTPStatus(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
