package flow

import (
	"strings"
	"time"
)

// GetParticipantInput plays a prompt and collects input: DTMF digits on voice,
// the customer's next message on chat. It is not available on tasks (error
// branch).
//
// Without StoreInput, one key (or the chat text) is matched against the
// conditions:
//
//	{
//	  "Identifier": "menu",
//	  "Type": "GetParticipantInput",
//	  "Parameters": {"Text": "Press 1 for sales, 2 for support.", "InputTimeLimitSeconds": "5", "StoreInput": "False"},
//	  "Transitions": {
//	    "NextAction": "goodbye",
//	    "Conditions": [
//	      {"NextAction": "sales", "Condition": {"Operator": "Equals", "Operands": ["1"]}},
//	      {"NextAction": "support", "Condition": {"Operator": "Equals", "Operands": ["2"]}}
//	    ],
//	    "Errors": [
//	      {"NextAction": "menu", "ErrorType": "InputTimeLimitExceeded"},
//	      {"NextAction": "menu", "ErrorType": "NoMatchingCondition"},
//	      {"NextAction": "goodbye", "ErrorType": "NoMatchingError"}
//	    ]
//	  }
//	}
//
// With StoreInput "True", several digits are collected (up to
// InputValidation.CustomValidation.MaximumLength, default 20, ended by
// DTMFConfiguration.InputTerminationSequence, default "#") and stored in
// $.StoredCustomerInput; the flow then takes NextAction. With
// InputValidation.PhoneNumberValidation the input must be a phone number
// (NumberFormat "Local" with a CountryCode, or "E164"); it is stored in E.164
// form, and anything else takes InvalidPhoneNumber.
//
// Effect: CollectInput; the session waits (WaitInput) for Digits, Text or
// Timeout. Errors: InputTimeLimitExceeded, NoMatchingCondition,
// InvalidPhoneNumber, NoMatchingError.
type getParticipantInput struct {
	content     contentParam
	timeout     numParam
	store       bool
	maxLength   numParam
	terminator  string
	interdigit  numParam
	phone       *phoneValidation
	encrypt     bool
	disableStar bool
}

type phoneValidation struct {
	NumberFormat string `json:"NumberFormat"`
	CountryCode  string `json:"CountryCode"`
}

// DefaultInputTimeoutSeconds is the input time limit when none is set.
const DefaultInputTimeoutSeconds = 5

func init() {
	register("GetParticipantInput", &spec{
		errors: []string{"InputTimeLimitExceeded", ErrNoMatchingCondition, "InvalidPhoneNumber"},
		compile: func(p *paramReader) any {
			g := &getParticipantInput{
				content: p.content(false),
				timeout: p.num("InputTimeLimitSeconds", false, 1, 180),
				store:   p.boolean("StoreInput", false),
				encrypt: p.has("InputEncryption"),
			}
			var v struct {
				PhoneNumberValidation *phoneValidation `json:"PhoneNumberValidation"`
				CustomValidation      *struct {
					MaximumLength any `json:"MaximumLength"`
				} `json:"CustomValidation"`
			}
			if p.object("InputValidation", false, &v, "an object with PhoneNumberValidation or CustomValidation") {
				if pv := v.PhoneNumberValidation; pv != nil {
					switch pv.NumberFormat {
					case "Local":
						if callingCodes[strings.ToUpper(pv.CountryCode)] == "" {
							p.problem("Parameters.InputValidation.PhoneNumberValidation.CountryCode", "is %q, must be a known ISO 3166 country code", pv.CountryCode)
						}
					case "E164":
					default:
						p.problem("Parameters.InputValidation.PhoneNumberValidation.NumberFormat", "is %q, must be Local or E164", pv.NumberFormat)
					}
					g.phone = pv
				}
				if cv := v.CustomValidation; cv != nil {
					sub := &paramReader{a: p.a, rep: p.rep, m: map[string]jsonRaw{"MaximumLength": mustJSON(cv.MaximumLength)}}
					g.maxLength = sub.num("MaximumLength", true, 1, 20)
				}
			}
			var d struct {
				InputTerminationSequence   string `json:"InputTerminationSequence"`
				DisableCancelKey           any    `json:"DisableCancelKey"`
				InterdigitTimeLimitSeconds any    `json:"InterdigitTimeLimitSeconds"`
			}
			if p.object("DTMFConfiguration", false, &d, "an object with InputTerminationSequence, DisableCancelKey, InterdigitTimeLimitSeconds") {
				g.terminator = d.InputTerminationSequence
				for _, c := range g.terminator {
					if !strings.ContainsRune("0123456789#*", c) {
						p.problem("Parameters.DTMFConfiguration.InputTerminationSequence", "must hold only the keys 0-9, # and *")
						break
					}
				}
				if d.InterdigitTimeLimitSeconds != nil {
					sub := &paramReader{a: p.a, rep: p.rep, m: map[string]jsonRaw{"DTMFConfiguration.InterdigitTimeLimitSeconds": mustJSON(d.InterdigitTimeLimitSeconds)}}
					g.interdigit = sub.num("DTMFConfiguration.InterdigitTimeLimitSeconds", false, 1, 20)
				}
			}
			return g
		},
		run: func(r *runner, a *Action) {
			g := a.params.(*getParticipantInput)
			if r.s.Contact.Channel == ChannelTask {
				r.fail(a, ErrNoMatchingError, "GetParticipantInput needs a customer: not available on tasks")
				return
			}
			c, err := r.content(g.content)
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			secs, ok := r.number(g.timeout, DefaultInputTimeoutSeconds)
			if !ok || secs <= 0 {
				r.fail(a, ErrNoMatchingError, "InputTimeLimitSeconds is not a positive number")
				return
			}
			eff := &CollectInput{ActionID: a.Identifier, Prompt: c, TimeoutSeconds: int(secs), Encrypt: g.encrypt}
			if r.s.Contact.Channel == ChannelVoice {
				eff.Mode = InputDTMF
				eff.MaxDigits = 1
				if g.store {
					n, _ := r.number(g.maxLength, 20)
					eff.MaxDigits = int(n)
					eff.Terminator = g.terminator
					if eff.Terminator == "" {
						eff.Terminator = "#"
					}
					idt, _ := r.number(g.interdigit, 0)
					eff.InterdigitTimeoutSeconds = int(idt)
				}
			} else {
				eff.Mode = InputText
			}
			r.param("InputTimeLimitSeconds", itoa(int(secs)))
			r.emit(eff)
			// The time limit runs from the end of the prompt; the channel
			// owns the actual timer. The deadline is a best estimate.
			r.wait(a, WaitInput, r.now.Add(time.Duration(secs)*time.Second), 0)
		},
		resume: func(r *runner, a *Action, _ Wait, in Input) {
			g := a.params.(*getParticipantInput)
			if in.Kind == InputTimeout {
				r.fail(a, "InputTimeLimitExceeded", "")
				return
			}
			v := strings.TrimSpace(in.Value)
			if in.Kind == InputDigits {
				term := g.terminator
				if term == "" && g.store {
					term = "#"
				}
				if term != "" {
					v = strings.TrimSuffix(v, term)
				}
				if v == "" {
					r.fail(a, "InputTimeLimitExceeded", "")
					return
				}
			}
			r.param("Input", redact(v, g.encrypt))
			if g.store {
				if g.phone != nil {
					e164, ok := normalizePhone(v, g.phone.NumberFormat, g.phone.CountryCode)
					if !ok {
						r.fail(a, "InvalidPhoneNumber", "")
						return
					}
					v = e164
				}
				r.s.StoredCustomerInput = v
				r.next(a)
				return
			}
			if i := r.matchCondition(a, v); i >= 0 {
				r.condition(a, i)
				return
			}
			r.fail(a, ErrNoMatchingCondition, "")
		},
	})
}

func redact(v string, encrypt bool) string {
	if encrypt {
		return "***"
	}
	return v
}
