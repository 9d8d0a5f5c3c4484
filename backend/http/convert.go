package http

import (
	"net/http"

	"github.com/parley-cc/parley/backend/api"
)

// convert copies a value between a domain type and its wire twin in backend/api (api.Convert).
// TestWireTypesMatchDomain keeps the pairs in step.
func convert[To any](from any) (*To, error) { return api.Convert[To](from) }

// convertAll converts a list.
func convertAll[To any, From any](from []*From) ([]To, error) {
	out := make([]To, 0, len(from))
	for _, f := range from {
		t, err := convert[To](f)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// writeWire converts a domain value to its wire type W and writes it as the response.
func writeWire[W any](w http.ResponseWriter, status int, from any) error {
	out, err := convert[W](from)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// writeWireList converts a domain list and writes it as an api.List of W.
func writeWireList[W any, D any](w http.ResponseWriter, from []*D) error {
	items, err := convertAll[W](from)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.List[W]{Items: items})
	return nil
}
