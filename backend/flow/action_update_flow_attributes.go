package flow

import "encoding/json"

// UpdateFlowAttributes sets flow attributes ($.FlowAttributes): values that
// live only while the flow runs and are not stored on the contact.
//
//	{
//	  "Identifier": "set-flow-attrs",
//	  "Type": "UpdateFlowAttributes",
//	  "Parameters": {"FlowAttributes": {"retries": {"Value": "0"}, "queueFlow": {"Value": "$.Attributes.qf"}}},
//	  "Transitions": {"NextAction": "menu", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// Each attribute is an object with a Value (a string, references allowed).
// Flow attributes are kept across TransferToFlow and flow modules in Parley.
// Errors: NoMatchingError.
type updateFlowAttributes struct {
	attrs kvList
}

func init() {
	register("UpdateFlowAttributes", &spec{
		compile: func(p *paramReader) any {
			u := &updateFlowAttributes{}
			var m map[string]json.RawMessage
			if !p.object("FlowAttributes", true, &m, `an object of {"Value": "..."} objects`) {
				return u
			}
			for k, raw := range m {
				var v struct {
					Value *string `json:"Value"`
				}
				if err := json.Unmarshal(raw, &v); err != nil || v.Value == nil {
					p.problem("Parameters.FlowAttributes."+k, `must be an object {"Value": "..."}`)
					continue
				}
				p.checkRefs("Parameters.FlowAttributes."+k+".Value", *v.Value)
				u.attrs = append(u.attrs, kv{K: k, V: *v.Value})
			}
			sortKV(u.attrs)
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateFlowAttributes)
			if r.s.FlowAttributes == nil {
				r.s.FlowAttributes = make(map[string]string, len(u.attrs))
			}
			for _, p := range u.attrs {
				v := r.s.Interpolate(p.V)
				r.s.FlowAttributes[p.K] = v
				r.param(p.K, v)
			}
			r.next(a)
		},
	})
}
