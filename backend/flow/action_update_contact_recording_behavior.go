package flow

// UpdateContactRecordingBehavior ("Set recording behavior") says who is
// recorded once an agent joins, and whether the IVR part is recorded.
//
//	{
//	  "Identifier": "record",
//	  "Type": "UpdateContactRecordingBehavior",
//	  "Parameters": {"RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"], "IVRRecordingBehavior": "Disabled"}},
//	  "Transitions": {"NextAction": "transfer"}
//	}
//
// RecordedParticipants: any of "Agent", "Customer" (empty: recording off).
// IVRRecordingBehavior: "Enabled" or "Disabled". AnalyticsBehavior (Contact
// Lens) is accepted and ignored. Effect: SetRecording.
type updateContactRecordingBehavior struct {
	participants []string
	ivr          string
}

func init() {
	register("UpdateContactRecordingBehavior", &spec{
		compile: func(p *paramReader) any {
			u := &updateContactRecordingBehavior{}
			var rb struct {
				RecordedParticipants []string `json:"RecordedParticipants"`
				IVRRecordingBehavior string   `json:"IVRRecordingBehavior"`
			}
			if p.object("RecordingBehavior", true, &rb, `an object {"RecordedParticipants": ["Agent", "Customer"]}`) {
				for i, part := range rb.RecordedParticipants {
					if part != "Agent" && part != "Customer" {
						p.problem("Parameters.RecordingBehavior.RecordedParticipants["+itoa(i)+"]", "is %q, must be Agent or Customer", part)
					}
				}
				switch rb.IVRRecordingBehavior {
				case "", "Enabled", "Disabled":
				default:
					p.problem("Parameters.RecordingBehavior.IVRRecordingBehavior", "is %q, must be Enabled or Disabled", rb.IVRRecordingBehavior)
				}
				u.participants, u.ivr = rb.RecordedParticipants, rb.IVRRecordingBehavior
			}
			if u.participants == nil {
				u.participants = []string{}
			}
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactRecordingBehavior)
			r.emit(&SetRecording{Participants: u.participants, IVR: u.ivr})
			r.next(a)
		},
	})
}
