package flow

// UpdateContactEventHooks sets the flows that run on contact events: the
// customer queue flow, hold flows, whisper flows, the disconnect flow.
//
//	{
//	  "Identifier": "set-queue-flow",
//	  "Type": "UpdateContactEventHooks",
//	  "Parameters": {"EventHooks": {"CustomerQueue": "queue-music-flow"}},
//	  "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// EventHooks keys: CustomerQueue, CustomerHold, AgentHold, CustomerWhisper,
// AgentWhisper, CustomerRemaining (disconnect flow), DefaultAgentUI,
// PauseContact, ResumeContact. Values are flow IDs, ARNs, names or
// references. Effect: SetEventHooks. Errors: NoMatchingError.
type updateContactEventHooks struct {
	hooks kvList
}

var eventHookNames = []string{"CustomerQueue", "CustomerHold", "AgentHold", "CustomerWhisper",
	"AgentWhisper", "CustomerRemaining", "DefaultAgentUI", "PauseContact", "ResumeContact", "DisconnectFlow"}

func init() {
	register("UpdateContactEventHooks", &spec{
		compile: func(p *paramReader) any {
			u := &updateContactEventHooks{hooks: p.strMap("EventHooks", true)}
			for _, h := range u.hooks {
				if !contains(eventHookNames, h.K) {
					p.problem("Parameters.EventHooks."+h.K, "unknown event hook; known: %s", joinComma(eventHookNames))
				}
			}
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactEventHooks)
			m := r.resolveMap(u.hooks)
			if r.s.EventHooks == nil {
				r.s.EventHooks = map[string]string{}
			}
			for k, v := range m {
				r.s.EventHooks[k] = v
				r.param(k, v)
			}
			r.emit(&SetEventHooks{Hooks: m})
			r.next(a)
		},
	})
}
