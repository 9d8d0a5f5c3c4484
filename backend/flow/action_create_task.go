package flow

import "time"

// CreateTask creates a task contact that runs the flow ContactFlowId.
//
//	{
//	  "Identifier": "follow-up",
//	  "Type": "CreateTask",
//	  "Parameters": {
//	    "Name": "Call back $.Attributes.customerName",
//	    "Description": "Customer asked for a follow-up",
//	    "ContactFlowId": "task-routing",
//	    "Attributes": {"caller": "$.CustomerEndpoint.Address"},
//	    "References": {"ticket": {"Type": "URL", "Value": "https://example.com/t/1"}},
//	    "DelaySeconds": "3600"
//	  },
//	  "Transitions": {"NextAction": "goodbye", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// Name is required (1 to 512 characters after references are resolved);
// ContactFlowId or TaskTemplateId is required. ScheduledTime (RFC 3339) or
// DelaySeconds delay the task. Effect: CreateTask. Errors: NoMatchingError.
type createTask struct {
	name, description, flow, template, scheduled string
	attrs, refs                                  kvList
	delay                                        numParam
}

func init() {
	register("CreateTask", &spec{
		compile: func(p *paramReader) any {
			c := &createTask{
				name:        p.str("Name", true),
				description: p.str("Description", false),
				flow:        p.str("ContactFlowId", false),
				template:    p.str("TaskTemplateId", false),
				scheduled:   p.str("ScheduledTime", false),
				attrs:       p.strMap("Attributes", false),
				delay:       p.num("DelaySeconds", false, 0, 6*86400),
			}
			if c.flow == "" && c.template == "" {
				p.problem("Parameters.ContactFlowId", "is required (or TaskTemplateId)")
			}
			if raw := p.raw("References"); raw != nil {
				var refs map[string]struct {
					Type  string `json:"Type"`
					Value string `json:"Value"`
				}
				if p.object("References", false, &refs, `an object of {"Type": "URL", "Value": "..."} objects`) {
					for k, v := range refs {
						c.refs = append(c.refs, kv{K: k, V: v.Value})
					}
					sortKV(c.refs)
				}
			}
			return c
		},
		run: func(r *runner, a *Action) {
			c := a.params.(*createTask)
			name := r.resolve("Name", c.name)
			if name == "" || len(name) > 512 {
				r.fail(a, ErrNoMatchingError, "task name must be 1 to 512 characters")
				return
			}
			delay, ok := r.number(c.delay, 0)
			if !ok {
				r.fail(a, ErrNoMatchingError, "DelaySeconds is not a number")
				return
			}
			eff := &CreateTask{
				Name: name, Description: r.resolve("Description", c.description),
				FlowID: r.resolve("ContactFlowId", c.flow), TemplateID: r.resolve("TaskTemplateId", c.template),
				DelaySeconds: int(delay),
			}
			if len(c.attrs) > 0 {
				eff.Attributes = r.resolveMap(c.attrs)
			}
			if len(c.refs) > 0 {
				eff.References = r.resolveMap(c.refs)
			}
			if c.scheduled != "" {
				t, err := time.Parse(time.RFC3339, r.resolve("ScheduledTime", c.scheduled))
				if err != nil {
					r.fail(a, ErrNoMatchingError, "ScheduledTime is not an RFC 3339 time")
					return
				}
				eff.ScheduledTime = t
			}
			r.emit(eff)
			r.next(a)
		},
	})
}
