// Package flowenv answers a running flow's questions (flow.Env) from the instance's stored
// configuration and the router's live metrics: queues, agents, hours of operation, published
// flows and prompts, looked up by ID, ARN or name. It keeps a snapshot of the configuration in
// memory, refreshed when it is older than MaxAge, so lookups answer at once as the engine
// requires.
package flowenv
