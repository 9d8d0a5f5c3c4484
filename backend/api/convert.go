package api

import (
	"encoding/json"
	"fmt"
)

// Convert copies a value to its twin type with the same field names: a wire type of this
// package and the backend's domain type. The wire's JSON names are the lowerCamel forms of the
// domain's Go names, and encoding/json matches keys case-insensitively, so a JSON round trip
// carries every field. The backend's tests check each pair field by field.
func Convert[To any](from any) (*To, error) {
	data, err := json.Marshal(from)
	if err != nil {
		return nil, fmt.Errorf("convert %T: %w", from, err)
	}
	to := new(To)
	if err := json.Unmarshal(data, to); err != nil {
		return nil, fmt.Errorf("convert %T to %T: %w", from, to, err)
	}
	return to, nil
}
