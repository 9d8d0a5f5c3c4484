package flow

// InputKind names an Input.
type InputKind string

// Input kinds.
const (
	InputDigits         InputKind = "digits"
	InputTextMessage    InputKind = "text"
	InputTimeout        InputKind = "timeout"
	InputFunctionResult InputKind = "function_result"
	InputFunctionError  InputKind = "function_error"
	InputPromptEnded    InputKind = "prompt_ended"
	InputTransferResult InputKind = "transfer_result"
)

// Input is what a channel resumes a waiting session with. Build one with the
// constructors below.
type Input struct {
	Kind InputKind `json:"kind"`
	// Value holds digits or text.
	Value string `json:"value,omitempty"`
	// Result is an external function's decoded response.
	Result map[string]any `json:"result,omitempty"`
	// Error is a failure: for a function, a description; for a transfer, the
	// Connect error type to branch on (QueueAtCapacity, CallFailed,
	// ConnectionTimeLimitExceeded...), or "" on success.
	Error string `json:"error,omitempty"`
}

// Digits is DTMF input from a voice customer, terminator included or not.
func Digits(d string) Input { return Input{Kind: InputDigits, Value: d} }

// Text is a chat customer's message.
func Text(t string) Input { return Input{Kind: InputTextMessage, Value: t} }

// Timeout says a deadline passed: no input in time, a Wait ended, or an
// iterative prompt's interrupt time came.
func Timeout() Input { return Input{Kind: InputTimeout} }

// FunctionResult is an external function's response: a flat string map or a
// decoded JSON object. It lands under $.External.
func FunctionResult(r map[string]any) Input { return Input{Kind: InputFunctionResult, Result: r} }

// FunctionError says an external function failed (timeout, non-2xx status,
// malformed response). The flow takes the error branch.
func FunctionError(msg string) Input {
	if msg == "" {
		msg = "function failed"
	}
	return Input{Kind: InputFunctionError, Error: msg}
}

// PromptEnded says the last Message finished playing.
func PromptEnded() Input { return Input{Kind: InputPromptEnded} }

// TransferResult is the outcome of a transfer: errType "" for success, or
// the Connect error type to branch on.
func TransferResult(errType string) Input { return Input{Kind: InputTransferResult, Error: errType} }
