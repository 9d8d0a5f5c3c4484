package sip

import (
	"context"
	"time"
)

// DemoNumber is the number the demo instance claims (see docs/telephony.md).
const DemoNumber = "+15555550100"

// PromptHandler is the simplest CallHandler, used by the demo and the tests: it answers, plays
// Audio and hangs up.
type PromptHandler struct {
	Audio *Audio
}

// HandleCall answers, plays the prompt and hangs up.
func (h PromptHandler) HandleCall(ctx context.Context, call *Call) {
	if err := call.Answer(); err != nil {
		call.log.Warn("demo: answer", "error", err)
		return
	}
	if h.Audio != nil {
		if _, err := call.Play(ctx, h.Audio, PlayOptions{}); err != nil && ctx.Err() == nil {
			call.log.Warn("demo: play", "error", err)
		}
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = call.Hangup(hctx)
}
