// Package ws serves the router's event stream over websockets: a Hub persists each event (the
// store assigns increasing sequence numbers that survive restarts) and fans it out to
// subscribers without ever blocking the publisher; GET /v1/events replays what a client missed
// after a sequence number, then streams live events. A subscriber that falls behind is dropped
// with a "resync" message and reconnects with after=<last seq seen>.
package ws
