package flow

// MessageParticipant plays a prompt (voice) or sends a message (chat, task)
// and goes on without waiting.
//
//	{
//	  "Identifier": "welcome",
//	  "Type": "MessageParticipant",
//	  "Parameters": {"Text": "Hello $.Attributes.name, thanks for calling."},
//	  "Transitions": {
//	    "NextAction": "menu",
//	    "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]
//	  }
//	}
//
// Parameters: exactly one of Text, SSML or PromptId (a prompt ID, ARN or
// name, or a reference). Effect: Message. Errors: NoMatchingError (unknown
// prompt, or text that resolves to nothing).
type messageParticipant struct {
	content contentParam
}

func init() {
	register("MessageParticipant", &spec{
		compile: func(p *paramReader) any { return &messageParticipant{content: p.content(true)} },
		run: func(r *runner, a *Action) {
			p := a.params.(*messageParticipant)
			c, err := r.content(p.content)
			if err == nil && c.Empty() {
				err = errEmptyMessage
			}
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			r.emit(&Message{ActionID: a.Identifier, Content: c})
			r.next(a)
		},
	})
}
