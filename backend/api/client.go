package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Client calls the v1 API. Set Token after Login (Login does it).
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8080
	Token   string
	HTTP    *http.Client // default http.DefaultClient
}

// ResponseError is a non-2xx answer.
type ResponseError struct {
	Status int
	Err    Error
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("api: %d %s: %s", e.Status, e.Err.Code, e.Err.Message)
}

// Login signs in and keeps the token.
func (c *Client) Login(ctx context.Context, username, password string) (*LoginResponse, error) {
	var out LoginResponse
	if err := c.Do(ctx, http.MethodPost, "/v1/auth/login", LoginRequest{Username: username, Password: password}, &out); err != nil {
		return nil, err
	}
	c.Token = out.Token
	return &out, nil
}

// Do sends in (when not nil) as JSON and decodes a 2xx answer into out (when not nil). A non-2xx
// answer is a *ResponseError.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		rerr := &ResponseError{Status: resp.StatusCode}
		var eb ErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			rerr.Err = eb.Error
		} else {
			rerr.Err = Error{Code: "internal", Message: strings.TrimSpace(string(data))}
		}
		return rerr
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode response of %s %s: %w", method, path, err)
		}
	}
	return nil
}
