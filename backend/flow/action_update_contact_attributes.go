package flow

// UpdateContactAttributes sets contact attributes ($.Attributes). Values may
// hold references; a reference to nothing sets the empty string.
//
//	{
//	  "Identifier": "set-lang",
//	  "Type": "UpdateContactAttributes",
//	  "Parameters": {"Attributes": {"language": "fr", "caller": "$.CustomerEndpoint.Address"}, "TargetContact": "Current"},
//	  "Transitions": {"NextAction": "menu", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// TargetContact is "Current" (default) or "Related"; Related attributes are
// only passed on in the effect. Effect: SetAttributes. Errors: NoMatchingError.
type updateContactAttributes struct {
	attrs  kvList
	target string
}

func init() {
	register("UpdateContactAttributes", &spec{
		compile: func(p *paramReader) any {
			u := &updateContactAttributes{
				attrs:  p.strMap("Attributes", true),
				target: p.enum("TargetContact", false, "Current", "Related"),
			}
			if u.target == "" {
				u.target = "Current"
			}
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactAttributes)
			m := r.resolveMap(u.attrs)
			if u.target == "Current" {
				for k, v := range m {
					r.s.Contact.Attributes[k] = v
				}
			}
			for k, v := range m {
				r.param(k, v)
			}
			r.emit(&SetAttributes{Target: u.target, Attributes: m})
			r.next(a)
		},
	})
}
