package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// maxBodyBytes bounds every request body (a flow document may be up to 1 MiB of JSON, which
// grows when embedded in a string).
const maxBodyBytes = 4 << 20

// decodeBody reads r's JSON body into a new T, strictly: unknown fields, trailing data, wrong
// types and a missing body are EInvalid errors naming the field.
func decodeBody[T any](r *http.Request) (*T, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		if isMaxBytes(err) {
			return nil, parley.Invalidf("body", "is larger than %d bytes", maxBodyBytes)
		}
		return nil, parley.Invalidf("body", "could not be read: %v", err)
	}
	return decodeJSON[T](data)
}

// decodeJSON is decodeBody's parser, separate so that it can be fuzzed.
func decodeJSON[T any](data []byte) (*T, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, parley.Invalidf("body", "is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	v := new(T)
	if err := dec.Decode(v); err != nil {
		return nil, jsonError(err)
	}
	if dec.More() {
		return nil, parley.Invalidf("body", "has data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parley.Invalidf("body", "has data after the JSON object")
	}
	return v, nil
}

// jsonError turns encoding/json's errors into EInvalid errors that name the field.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return parley.Invalidf(field, "has a JSON %s; a %s is expected", typeErr.Value, jsonKind(typeErr.Type.Kind().String()))
	case errors.As(err, &syntaxErr):
		return parley.Invalidf("body", "is not valid JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return parley.Invalidf("body", "ends before the JSON object does")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return parley.Invalidf(name, "is not a known field")
	}
	return parley.Invalidf("body", "is not a valid JSON object: %v", err)
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "number"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean (true or false)"
	}
	return fmt.Sprint(k)
}
