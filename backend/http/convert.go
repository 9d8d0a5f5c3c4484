package http

import "github.com/parley-cc/parley/backend/api"

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
