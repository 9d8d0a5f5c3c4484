package parley

import (
	"context"
	"net/url"
	"time"
)

// MaxExternalFunctionTimeout is the longest a flow waits for an external function, as Amazon
// Connect waits at most 8 seconds for a Lambda function.
const MaxExternalFunctionTimeout = 8

// ExternalFunction is an HTTP(S) endpoint a flow calls with InvokeLambdaFunction. Requests are
// signed with an HMAC of the body keyed by Secret.
type ExternalFunction struct {
	ID             ExternalFunctionID
	Name           string
	Description    string
	URL            string
	Secret         string // never returned by the API
	TimeoutSeconds int    // 1 to MaxExternalFunctionTimeout
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Validate checks the function's fields and fills the default timeout.
func (f *ExternalFunction) Validate() error {
	if f.TimeoutSeconds == 0 {
		f.TimeoutSeconds = 3
	}
	if err := firstError(
		ValidateName("name", f.Name),
		ValidateDescription("description", f.Description),
		ValidateRange("timeoutSeconds", f.TimeoutSeconds, 1, MaxExternalFunctionTimeout),
	); err != nil {
		return err
	}
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Invalidf("url", "%q is not an absolute http or https URL", f.URL)
	}
	if len(f.Secret) < 16 {
		return Invalidf("secret", "must be at least 16 characters, used to sign requests")
	}
	return nil
}

// ExternalFunctionService manages external functions.
type ExternalFunctionService interface {
	FindExternalFunctionByID(ctx context.Context, id ExternalFunctionID) (*ExternalFunction, error)
	FindExternalFunctions(ctx context.Context) ([]*ExternalFunction, error)
	// CreateExternalFunction: EInvalid, EConflict (name).
	CreateExternalFunction(ctx context.Context, f *ExternalFunction) error
	// UpdateExternalFunction: ENotFound, EInvalid, EConflict (name).
	UpdateExternalFunction(ctx context.Context, f *ExternalFunction) error
	// DeleteExternalFunction: ENotFound.
	DeleteExternalFunction(ctx context.Context, id ExternalFunctionID) error
}
