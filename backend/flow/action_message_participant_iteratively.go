package flow

import "time"

// MessageParticipantIteratively plays a list of messages over and over (the
// "Loop prompts" block of a customer queue flow) until the interrupt time
// comes, then takes the MessagesInterrupted condition.
//
//	{
//	  "Identifier": "queue-music",
//	  "Type": "MessageParticipantIteratively",
//	  "Parameters": {
//	    "Messages": [{"Text": "Your call is important to us."}, {"PromptId": "hold-music"}],
//	    "InterruptFrequencySeconds": "30"
//	  },
//	  "Transitions": {
//	    "Conditions": [{"NextAction": "offer-callback",
//	      "Condition": {"Operator": "Equals", "Operands": ["MessagesInterrupted"]}}],
//	    "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]
//	  }
//	}
//
// Effects: one Message per message; the session waits (WaitPrompt) for
// PromptEnded to play the next one, or Timeout at the deadline
// (InterruptFrequencySeconds after the start) to take MessagesInterrupted.
// Without InterruptFrequencySeconds the messages loop until the contact
// leaves the flow.
type messageParticipantIteratively struct {
	messages  []contentParam
	interrupt numParam
}

func init() {
	register("MessageParticipantIteratively", &spec{
		compile: func(p *paramReader) any {
			out := &messageParticipantIteratively{interrupt: p.num("InterruptFrequencySeconds", false, 1, 86400)}
			var msgs []map[string]any
			if p.object("Messages", true, &msgs, "a list of {Text|SSML|PromptId} objects") {
				if len(msgs) == 0 {
					p.problem("Parameters.Messages", "must hold at least one message")
				}
				for i, m := range msgs {
					c := contentParam{}
					n := 0
					for k, v := range m {
						s, ok := v.(string)
						if !ok {
							p.problem(p.fieldName("Messages")+"["+itoa(i)+"]."+k, "must be a string")
							continue
						}
						switch k {
						case "Text":
							c.Text = s
						case "SSML":
							c.SSML = s
						case "PromptId":
							c.PromptID = s
						default:
							continue
						}
						p.checkRefs(p.fieldName("Messages")+"["+itoa(i)+"]."+k, s)
						n++
					}
					if n != 1 {
						p.problem(p.fieldName("Messages")+"["+itoa(i)+"]", "set exactly one of Text, SSML or PromptId")
					}
					out.messages = append(out.messages, c)
				}
			}
			return out
		},
		run: func(r *runner, a *Action) {
			p := a.params.(*messageParticipantIteratively)
			var deadline time.Time
			if p.interrupt.Set {
				secs, ok := r.number(p.interrupt, 0)
				if !ok || secs <= 0 {
					r.fail(a, ErrNoMatchingError, "InterruptFrequencySeconds is not a positive number")
					return
				}
				deadline = r.now.Add(time.Duration(secs * float64(time.Second)))
			}
			playIteration(r, a, p, 0, deadline)
		},
		resume: func(r *runner, a *Action, w Wait, in Input) {
			p := a.params.(*messageParticipantIteratively)
			if in.Kind == InputTimeout {
				if !r.branchOn(a, "MessagesInterrupted") {
					r.fail(a, ErrNoMatchingCondition, "")
				}
				return
			}
			if in.Kind != InputPromptEnded {
				// Keys pressed or text sent while messages play are ignored.
				r.wait(a, WaitPrompt, w.Deadline, w.Index)
				return
			}
			playIteration(r, a, p, (w.Index+1)%len(p.messages), w.Deadline)
		},
	})
}

func playIteration(r *runner, a *Action, p *messageParticipantIteratively, i int, deadline time.Time) {
	if len(p.messages) == 0 {
		r.fail(a, ErrNoMatchingError, "no messages")
		return
	}
	c, err := r.content(p.messages[i])
	if err == nil && c.Empty() {
		err = errEmptyMessage
	}
	if err != nil {
		r.fail(a, ErrNoMatchingError, err.Error())
		return
	}
	r.emit(&Message{ActionID: a.Identifier, Content: c})
	r.wait(a, WaitPrompt, deadline, i)
}
