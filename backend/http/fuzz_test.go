package http

import (
	"testing"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// fuzzDecoder fuzzes the strict JSON decoder for request type W: any input gets either a value
// or an EInvalid error, never a panic or another code; decoded values convert to their domain
// type D, whose validation also answers with EInvalid or nothing.
func fuzzDecoder[W any, D any](f *testing.F, validate func(*D) error, seeds ...string) {
	for _, s := range append(seeds, ``, `{}`, `null`, `[]`, `{"name":1}`, `{"name":"x"} x`, "\xff") {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := decodeJSON[W](data)
		if err != nil {
			if parley.ErrorCodeOf(err) != parley.EInvalid || parley.AsError(err).Field == "" {
				t.Fatalf("decode error %v: want EInvalid naming a field", err)
			}
			return
		}
		d, err := convert[D](w)
		if err != nil {
			t.Fatalf("convert a decoded %T: %v", w, err)
		}
		if validate != nil {
			if err := validate(d); err != nil && parley.ErrorCodeOf(err) != parley.EInvalid {
				t.Fatalf("validate: %v, want EInvalid", err)
			}
		}
	})
}

func FuzzDecodeLogin(f *testing.F) {
	fuzzDecoder[api.LoginRequest, api.LoginRequest](f, nil, `{"username":"admin","password":"pw"}`)
}

func FuzzDecodeNewUser(f *testing.F) {
	fuzzDecoder[api.NewUser, parley.User](f, (*parley.User).Validate,
		`{"username":"bob","password":"password1","securityProfileIds":["p"],"phoneType":"DESK_PHONE","deskPhoneNumber":"+4420"}`)
}

func FuzzDecodeUser(f *testing.F) {
	fuzzDecoder[api.User, parley.User](f, (*parley.User).Validate, `{"username":"bob","securityProfileIds":["p"]}`)
}

func FuzzDecodePassword(f *testing.F) {
	fuzzDecoder[api.PasswordRequest, api.PasswordRequest](f, nil, `{"password":"new-password"}`)
}

func FuzzDecodeSecurityProfile(f *testing.F) {
	fuzzDecoder[api.SecurityProfile, parley.SecurityProfile](f, (*parley.SecurityProfile).Validate, `{"name":"S","permissions":["Queues.View"]}`)
}

func FuzzDecodeAgentStatus(f *testing.F) {
	fuzzDecoder[api.AgentStatus, parley.AgentStatus](f, (*parley.AgentStatus).Validate, `{"name":"Break","type":"CUSTOM","displayOrder":3,"enabled":true}`)
}

func FuzzDecodeHours(f *testing.F) {
	fuzzDecoder[api.HoursOfOperation, parley.HoursOfOperation](f, (*parley.HoursOfOperation).Validate,
		`{"name":"H","timeZone":"Europe/London","config":[{"day":"MONDAY","startTime":{"hours":22,"minutes":0},"endTime":{"hours":2,"minutes":0}}],"overrides":[{"name":"X","type":"OPEN","effectiveFrom":"2026-12-24","effectiveTill":"2026-12-24","ranges":[{"startTime":{"hours":9,"minutes":0},"endTime":{"hours":12,"minutes":0}}]}]}`)
}

func FuzzDecodeQueue(f *testing.F) {
	fuzzDecoder[api.Queue, parley.Queue](f, (*parley.Queue).Validate, `{"name":"Q","hoursOfOperationId":"h","maxContacts":10,"quickConnectIds":["a","b"]}`)
}

func FuzzDecodeRoutingProfile(f *testing.F) {
	fuzzDecoder[api.RoutingProfile, parley.RoutingProfile](f, (*parley.RoutingProfile).Validate,
		`{"name":"P","defaultOutboundQueueId":"q","mediaConcurrencies":[{"channel":"CHAT","concurrency":3}],"queues":[{"queueId":"q","channel":"CHAT","priority":1,"delay":5}]}`)
}

func FuzzDecodeQuickConnect(f *testing.F) {
	fuzzDecoder[api.QuickConnect, parley.QuickConnect](f, (*parley.QuickConnect).Validate, `{"name":"QC","type":"QUEUE","queueId":"q"}`)
}

func FuzzDecodePhoneNumber(f *testing.F) {
	fuzzDecoder[api.PhoneNumber, parley.PhoneNumber](f, (*parley.PhoneNumber).Validate, `{"number":"+15555550100","flowId":"f"}`)
}

func FuzzDecodeFlow(f *testing.F) {
	fuzzDecoder[api.Flow, parley.Flow](f, (*parley.Flow).Validate,
		`{"name":"F","type":"CONTACT_FLOW","content":"{\"Version\":\"2019-10-30\",\"StartAction\":\"a\",\"Actions\":[]}"}`)
}

func FuzzDecodeFlowRollback(f *testing.F) {
	fuzzDecoder[api.FlowRollbackRequest, api.FlowRollbackRequest](f, nil, `{"version":2}`)
}

func FuzzDecodePrompt(f *testing.F) {
	fuzzDecoder[api.Prompt, parley.Prompt](f, (*parley.Prompt).Validate, `{"name":"P","type":"TEXT","text":"<speak>Hi</speak>"}`)
}

func FuzzDecodeExternalFunction(f *testing.F) {
	fuzzDecoder[api.ExternalFunction, parley.ExternalFunction](f, (*parley.ExternalFunction).Validate,
		`{"name":"F","url":"https://x.example/f","secret":"0123456789abcdef","timeoutSeconds":8}`)
}
