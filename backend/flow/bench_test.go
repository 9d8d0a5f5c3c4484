package flow_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/flow"
)

// BenchmarkInboundFlow runs testdata/inbound.json from start to the queue:
// a function call, a menu with one wrong key and a choice, 16 actions in all.
func BenchmarkInboundFlow(b *testing.B) {
	f := loadInbound(b)
	env := inboundEnv(f)
	now := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	eng := &flow.Engine{Env: env, Now: func() time.Time { return now }}
	result := map[string]any{"name": "Ada", "tier": "gold"}
	b.ReportAllocs()
	steps := 0
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		sess, _, err := eng.Start(f, flow.Contact{ContactID: "c-1", Channel: flow.ChannelVoice,
			CustomerEndpoint: flow.Endpoint{Address: "+15555550100"}})
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range []flow.Input{flow.FunctionResult(result), flow.Digits("9"), flow.Digits("2")} {
			if _, err := eng.Resume(sess, in); err != nil {
				b.Fatal(err)
			}
		}
		if sess.Wait == nil || sess.Wait.Kind != flow.WaitQueue {
			b.Fatalf("did not reach the queue: %+v", sess.Wait)
		}
		steps += sess.Steps
	}
	runtime.ReadMemStats(&after)
	elapsed := b.Elapsed().Seconds()
	if steps > 0 && elapsed > 0 {
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(steps), "allocs/action")
		b.ReportMetric(float64(steps)/elapsed, "actions/s")
		b.ReportMetric(float64(steps)/float64(b.N), "actions/op")
	}
}
