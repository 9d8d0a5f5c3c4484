package http

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// writeError answers with err's status and an api.ErrorBody. Internal errors are logged and
// their text is replaced by a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := parley.ErrorCodeOf(err)
	body := api.Error{Code: string(code), Message: parley.ErrorMessage(err)}
	if e := parley.AsError(err); e != nil {
		body.Field = e.Field
		body.Permission = string(e.Permission)
		for _, d := range e.Details {
			body.Details = append(body.Details, api.ErrorDetail{Field: d.Field, Message: d.Message})
		}
	}
	if code == parley.EInternal {
		s.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	writeJSON(w, api.HTTPStatus(string(code)), api.ErrorBody{Error: body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

var errNoRoute = parley.NotFoundf("no such route; see docs/openapi.json for the API")

// isMaxBytes reports whether err comes from http.MaxBytesReader.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
