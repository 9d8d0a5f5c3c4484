package flow

// TagContact adds tags to the contact (for reports and access control).
//
//	{
//	  "Identifier": "tag",
//	  "Type": "TagContact",
//	  "Parameters": {"Tags": {"department": "sales"}},
//	  "Transitions": {"NextAction": "menu", "Errors": [{"NextAction": "menu", "ErrorType": "NoMatchingError"}]}
//	}
//
// Effect: SetTags. Errors: NoMatchingError.
type tagContact struct {
	tags kvList
}

func init() {
	register("TagContact", &spec{
		compile: func(p *paramReader) any { return &tagContact{tags: p.strMap("Tags", true)} },
		run: func(r *runner, a *Action) {
			t := a.params.(*tagContact)
			m := r.resolveMap(t.tags)
			if r.s.Tags == nil {
				r.s.Tags = map[string]string{}
			}
			for k, v := range m {
				r.s.Tags[k] = v
			}
			r.emit(&SetTags{Tags: m})
			r.next(a)
		},
	})
}
