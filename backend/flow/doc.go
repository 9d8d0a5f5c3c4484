// Package flow parses, validates and runs contact flows written in the Amazon
// Connect Flow language (Version "2019-10-30"), so that flows exported from
// Amazon Connect run unchanged.
//
// The engine is pure, in the manner of nyaruka/goflow: no I/O, no goroutines,
// time from an injected clock. A channel (voice, chat, task) starts a flow
// with a definition and the contact, carries out the effects it gets back
// (play a prompt, collect digits, call an external function, transfer to a
// queue, disconnect...) and resumes the session with the next input (digits,
// text, a timeout, a function result, the end of a prompt, a transfer
// result):
//
//	eng := &flow.Engine{Env: env, Now: clock.Now}
//	sess, effects, err := eng.Start(def, flow.Contact{ContactID: id, Channel: flow.ChannelVoice})
//	// carry out effects; when the customer presses 1:
//	effects, err = eng.Resume(sess, flow.Digits("1"))
//
// A Session is plain data and encodes to JSON, so a chat or task flow can be
// persisted and resumed after a restart; flows it runs are found again through
// Env.Flow by the IDs in Session.Frames.
//
// Lookups the engine needs while running (queues, hours of operation, queue
// metrics and capacity, flows and modules, prompts) go through the Env
// interface, which must answer from memory. MemEnv is an in-memory Env for the
// simulator (package flowtest) and tests.
//
// Parse and Check report every problem in a flow at once (a ValidationError
// holding Problems with the action identifier, the field and what is
// expected). Action types that are part of the Flow language but that Parley
// cannot run (Lex bots, Voice ID, cases, customer profiles, views...) are
// reported separately as Unsupported; at run time such an action is logged
// and takes its error branch.
//
// Each supported action type lives in its own file, action_<type>.go, whose
// doc comment shows its JSON form. docs/flow-language.md is the user
// reference.
package flow
