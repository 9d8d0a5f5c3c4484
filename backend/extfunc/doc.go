// Package extfunc calls external functions, Parley's counterpart of the AWS
// Lambda functions an Amazon Connect flow invokes with InvokeLambdaFunction.
//
// An external function is an HTTP or HTTPS endpoint configured by name. The
// flow engine (package flow) emits an InvokeFunction effect; the channel hands
// it to a Caller, which POSTs a JSON body shaped like Connect's Lambda event
//
//	{"Details": {"ContactData": {...}, "Parameters": {...}}, "Name": "ContactFlowEvent"}
//
// signed with HMAC-SHA256 of the body under the function's secret, in the
// header X-Parley-Signature: sha256=<hex>. Receivers check it with Verify.
// The response, a JSON object, becomes the flow's $.External; a timeout, a
// non-2xx status or a malformed body resumes the flow on its error branch.
package extfunc
