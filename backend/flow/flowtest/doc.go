// Package flowtest simulates contact flows with no calls at all: scripted
// customer inputs, scripted external-function responses and a virtual clock
// (hours of operation, waits and timeouts run in microseconds). A simulation
// reports the path taken and per-action coverage, and checks expectations on
// prompts, attributes, the queue reached and the end state.
//
// Test files are JSON; docs/flow-test-format.md describes the format.
// `parleyd flow test FILE...` runs them.
package flowtest
