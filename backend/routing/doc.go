// Package routing is Parley's ACD: queues of waiting contacts of every channel, agents with
// their routing profiles and statuses, the contact and agent state machines, offers, after-contact
// work, queued callbacks, contact trace records, routing events, and real-time and historical
// metrics.
//
// The state lives in an [Engine], a deterministic state machine with no goroutines and no clock
// of its own: every method takes the current time. A [Router] owns one Engine in one goroutine
// ([Router.Run]); channels (voice, chat, task), the flow engine and the API send it commands and
// get replies. Choosing a contact for an agent and an agent for a contact are pure functions
// ([ChooseContact], [ChooseAgent], [CanTake]) that the Engine's indexes agree with.
//
// What the router needs from the outside is small: a [Clock], an ID source, a [Publisher] for
// events (which must never block) and a [Recorder] for what must be persisted (contacts, CTRs,
// agent events). Restart rebuilds state with [Engine.Restore]. docs/routing.md describes the
// semantics; docs/metrics.md the metrics.
//
// It imports the standard library and the domain package only.
package routing
