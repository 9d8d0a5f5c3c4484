package flow

// DisconnectParticipant hangs up (voice) or ends the chat.
//
//	{"Identifier": "hangup", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
//
// Effects: Disconnect, then FlowEnded{Reason: "disconnected"}.
func init() {
	register("DisconnectParticipant", &spec{
		run: func(r *runner, a *Action) {
			r.emit(&Disconnect{})
			r.end(EndDisconnected)
		},
	})
}
