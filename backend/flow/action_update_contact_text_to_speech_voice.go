package flow

// UpdateContactTextToSpeechVoice ("Set voice") chooses the voice that reads
// Text and SSML prompts.
//
//	{
//	  "Identifier": "voice",
//	  "Type": "UpdateContactTextToSpeechVoice",
//	  "Parameters": {"TextToSpeechVoice": "Joanna", "TextToSpeechEngine": "Neural", "TextToSpeechStyle": "Conversational"},
//	  "Transitions": {"NextAction": "welcome"}
//	}
//
// TextToSpeechEngine: Standard, Neural or Generative; TextToSpeechStyle:
// None, Conversational or Newscaster. Parley's synthesiser maps the voice name
// to a local voice. Effect: SetVoice.
type updateContactTextToSpeechVoice struct {
	voice Voice
}

func init() {
	register("UpdateContactTextToSpeechVoice", &spec{
		compile: func(p *paramReader) any {
			return &updateContactTextToSpeechVoice{voice: Voice{
				Voice:  p.str("TextToSpeechVoice", true),
				Engine: p.enum("TextToSpeechEngine", false, "Standard", "Neural", "Generative"),
				Style:  p.enum("TextToSpeechStyle", false, "None", "Conversational", "Newscaster"),
			}}
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactTextToSpeechVoice)
			v := u.voice
			v.Voice = r.resolve("TextToSpeechVoice", v.Voice)
			r.s.Voice = v
			r.emit(&SetVoice{Voice: v})
			r.next(a)
		},
	})
}
