package sip

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/parley-cc/parley/backend/flowenv"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sqlite"
)

// voiceHarness is the voice channel as parleyd runs it: a real SQLite store (queues, routing
// profiles, users, flows, the phone number, contacts, flow logs), the real router, flowenv, the
// SIP server with its registrar, and agents' softphones (diago user agents) registered with
// credentials the channel issued.
type voiceHarness struct {
	t        *testing.T
	ctx      context.Context
	db       *sqlite.DB
	router   *routing.Router
	rec      *routing.MemoryRecorder
	events   *eventLog
	vc       *VoiceChannel
	srv      *Server
	addr     string
	dataDir  string
	contacts *sqlite.ContactService
	flowLogs *sqlite.FlowLogService
	queues   map[string]*parley.Queue
	agents   map[string]*parley.User
	avail    parley.AgentStatusID
	offline  parley.AgentStatusID
}

type voiceOptions struct {
	ringTimeout time.Duration // default 20 s
}

// The flows of the harness. The inbound flow turns flow logging on, greets, and asks for 1
// (Sales), 2 (Support) or 3 (Billing); a full queue takes QueueAtCapacity, which sets the
// attribute outcome=queue-full, says so and hangs up.
const testInboundFlow = `{"Version":"2019-10-30","StartAction":"logs","Actions":[
 {"Identifier":"logs","Type":"UpdateFlowLoggingBehavior","Parameters":{"FlowLoggingBehavior":"Enabled"},"Transitions":{"NextAction":"welcome"}},
 {"Identifier":"welcome","Type":"MessageParticipant","Parameters":{"Text":"Welcome to Parley."},
  "Transitions":{"NextAction":"menu","Errors":[{"NextAction":"menu","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"menu","Type":"GetParticipantInput","Parameters":{"Text":"For sales, press 1. For support, press 2. For billing, press 3.","StoreInput":"False","InputTimeLimitSeconds":"10"},
  "Transitions":{"NextAction":"bye",
   "Conditions":[{"NextAction":"set-sales","Condition":{"Operator":"Equals","Operands":["1"]}},
                 {"NextAction":"set-support","Condition":{"Operator":"Equals","Operands":["2"]}},
                 {"NextAction":"set-billing","Condition":{"Operator":"Equals","Operands":["3"]}}],
   "Errors":[{"NextAction":"bye","ErrorType":"InputTimeLimitExceeded"},{"NextAction":"bye","ErrorType":"NoMatchingCondition"},{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"set-sales","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"{{SALES}}"},"Transitions":{"NextAction":"tag","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"set-support","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"{{SUPPORT}}"},"Transitions":{"NextAction":"tag","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"set-billing","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"{{BILLING}}"},"Transitions":{"NextAction":"tag","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"tag","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"caller":"$.CustomerEndpoint.Address"}},
  "Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"xfer","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},
  "Transitions":{"NextAction":"bye","Errors":[{"NextAction":"busy","ErrorType":"QueueAtCapacity"},{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"busy","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"outcome":"queue-full"}},
  "Transitions":{"NextAction":"busy-msg","Errors":[{"NextAction":"busy-msg","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"busy-msg","Type":"MessageParticipant","Parameters":{"Text":"Sorry, the queue is full."},
  "Transitions":{"NextAction":"bye","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"bye","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`

// testQueueFlow is the demo's customer queue flow, shorter.
const testQueueFlow = `{"Version":"2019-10-30","StartAction":"hold-message","Actions":[
 {"Identifier":"hold-message","Type":"MessageParticipant","Parameters":{"Text":"Please hold."},
  "Transitions":{"NextAction":"pause","Errors":[{"NextAction":"pause","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"pause","Type":"Wait","Parameters":{"TimeLimitSeconds":"2"},
  "Transitions":{"NextAction":"hold-message","Errors":[{"NextAction":"hold-message","ErrorType":"NoMatchingError"}]}}]}`

func mustT(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newVoiceHarness makes queues Sales, Support and Billing (at most 1 contact, served by nobody);
// routing profiles "sales" (VOICE: Sales) and "support" (VOICE: Support first, Sales second);
// agents alice (sales) and bob (support), not logged in; the inbound and queue flows; the demo
// number; and runs the router, the voice channel and the SIP server.
func newVoiceHarness(t *testing.T, opts voiceOptions) *voiceHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &voiceHarness{t: t, ctx: ctx, queues: map[string]*parley.Queue{}, agents: map[string]*parley.User{}, dataDir: t.TempDir()}
	h.db = sqlite.NewDB(filepath.Join(h.dataDir, "parley.db"))
	h.db.Logger = slog.New(slog.DiscardHandler)
	mustT(t, h.db.Open())
	mustT(t, h.db.EnsureDefaults(ctx))
	h.contacts = sqlite.NewContactService(h.db)
	h.flowLogs = sqlite.NewFlowLogService(h.db)

	hours := &parley.HoursOfOperation{Name: "Always open", TimeZone: "UTC"}
	for _, d := range []parley.Weekday{parley.Sunday, parley.Monday, parley.Tuesday, parley.Wednesday, parley.Thursday, parley.Friday, parley.Saturday} {
		hours.Config = append(hours.Config, parley.HoursRange{Day: d, EndTime: parley.TimeOfDay{Hours: 24}})
	}
	hoursSvc := sqlite.NewHoursService(h.db)
	mustT(t, hoursSvc.CreateHours(ctx, hours))
	queueSvc := sqlite.NewQueueService(h.db)
	for _, name := range []string{"Sales", "Support", "Billing"} {
		q := &parley.Queue{Name: name, HoursOfOperationID: hours.ID}
		if name == "Billing" {
			q.MaxContacts = 1
		}
		mustT(t, queueSvc.CreateQueue(ctx, q))
		h.queues[name] = q
	}
	voice := []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}}
	profSvc := sqlite.NewRoutingProfileService(h.db)
	profiles := map[string]*parley.RoutingProfile{
		"sales": {Name: "sales", DefaultOutboundQueueID: h.queues["Sales"].ID, MediaConcurrencies: voice,
			Queues: []parley.RoutingProfileQueue{{QueueID: h.queues["Sales"].ID, Channel: parley.ChannelVoice, Priority: 1}}},
		"support": {Name: "support", DefaultOutboundQueueID: h.queues["Support"].ID, MediaConcurrencies: voice,
			Queues: []parley.RoutingProfileQueue{{QueueID: h.queues["Support"].ID, Channel: parley.ChannelVoice, Priority: 1},
				{QueueID: h.queues["Sales"].ID, Channel: parley.ChannelVoice, Priority: 2}}},
	}
	for _, p := range profiles {
		mustT(t, profSvc.CreateRoutingProfile(ctx, p))
	}
	sps, err := sqlite.NewSecurityProfileService(h.db).FindSecurityProfiles(ctx)
	mustT(t, err)
	var agentProfile parley.SecurityProfileID
	for _, p := range sps {
		if p.Name == parley.ProfileAgent {
			agentProfile = p.ID
		}
	}
	users := sqlite.NewUserService(h.db)
	for name, prof := range map[string]string{"alice": "sales", "bob": "support"} {
		u := &parley.User{Username: name, FirstName: name, SecurityProfileIDs: []parley.SecurityProfileID{agentProfile}, RoutingProfileID: profiles[prof].ID}
		mustT(t, users.CreateUser(ctx, u, "password-"+name))
		h.agents[name] = u
	}
	flows := sqlite.NewFlowService(h.db)
	queueFlow := &parley.Flow{Name: DefaultQueueFlowName, Type: parley.FlowCustomerQueue, Content: testQueueFlow}
	inbound := &parley.Flow{Name: "Inbound", Type: parley.FlowContact, Content: strings.NewReplacer(
		"{{SALES}}", string(h.queues["Sales"].ID), "{{SUPPORT}}", string(h.queues["Support"].ID),
		"{{BILLING}}", string(h.queues["Billing"].ID)).Replace(testInboundFlow)}
	for _, f := range []*parley.Flow{queueFlow, inbound} {
		mustT(t, flows.CreateFlow(ctx, f))
		_, err := flows.PublishFlow(ctx, f.ID)
		mustT(t, err)
	}
	numbers := sqlite.NewPhoneNumberService(h.db)
	mustT(t, numbers.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: DemoNumber, FlowID: inbound.ID}))

	cfg, err := routing.LoadConfig(ctx, queueSvc, profSvc, sqlite.NewAgentStatusService(h.db))
	mustT(t, err)
	for _, s := range cfg.Statuses {
		switch s.Type {
		case parley.StatusRoutable:
			h.avail = s.ID
		case parley.StatusOffline:
			h.offline = s.ID
		}
	}
	if opts.ringTimeout > 0 {
		cfg.RingTimeout = map[parley.Channel]time.Duration{parley.ChannelVoice: opts.ringTimeout}
	}
	h.rec = routing.NewMemoryRecorder()
	h.events = &eventLog{notify: make(chan struct{}, 1)}
	cfg.Recorder = h.rec
	cfg.NewID = sqlite.NewUUID

	h.srv = NewServer(numbers, nil)
	h.srv.Registrar = &Registrar{}
	inbox := NewVoiceInbox()
	cfg.Publisher = routing.Publishers{h.events, inbox}
	h.router, err = routing.New(cfg)
	mustT(t, err)
	env := flowenv.New(flowenv.Services{Queues: queueSvc, Users: users, Hours: hoursSvc, Flows: flows,
		Prompts: sqlite.NewPromptService(h.db), Realtime: h.router, Changes: h.db})
	env.Logger = slog.New(slog.DiscardHandler)
	h.vc = NewVoiceChannel(h.srv, VoiceServices{Router: h.router, Contacts: h.contacts, FlowLogs: h.flowLogs, Env: env,
		Prompts: &PromptSource{CacheDir: filepath.Join(h.dataDir, "prompt-cache")}, Inbox: inbox})
	h.vc.RecordingsDir = filepath.Join(h.dataDir, "recordings")
	h.vc.QuickConnects = sqlite.NewQuickConnectService(h.db)
	h.vc.Logger = testLogger(t)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = h.router.Run(ctx) }()
	go func() { defer wg.Done(); _ = h.vc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = h.db.Close()
	})
	h.addr = startServer(t, h.srv) // stopped (by cleanup order) before the router
	return h
}

// available logs an agent in, registers a softphone for them that handles calls with serve (with
// the credentials the voice channel issues), then makes them Available.
func (h *voiceHarness) available(name string, serve func(d *diago.DialogServerSession)) parley.UserID {
	h.t.Helper()
	u := h.agents[name]
	mustT(h.t, h.router.Login(h.ctx, *u))
	creds, err := h.vc.SIPCredentials(h.ctx, u.ID)
	mustT(h.t, err)
	if again, err := h.vc.SIPCredentials(h.ctx, u.ID); err != nil || *again != *creds {
		h.t.Fatalf("SIPCredentials again = %+v, %v; want the same credentials", again, err)
	}
	if want := "sip:" + h.addr; creds.Registrar != want {
		h.t.Fatalf("registrar %q, want %q", creds.Registrar, want)
	}
	phone := newAgentPhone(h.t, creds.Username, serve)
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	if _, err := phone.register(ctx, strings.TrimPrefix(creds.Registrar, "sip:"), creds.Username, creds.Password); err != nil {
		h.t.Fatalf("%s's phone: register: %v", name, err)
	}
	// Available only once the phone is registered: an offer made before (a contact already
	// waiting is offered at once) would fail, and the router would put the agent in ERROR.
	mustT(h.t, h.router.SetStatus(h.ctx, u.ID, h.avail))
	return u.ID
}

// call runs sipp as the caller with a scenario and its MIDDLE steps in the background; wait
// returns its result.
func (h *voiceHarness) call(scenarioName, middle string) (wait func() sippResult) {
	h.t.Helper()
	sc := scenario(h.t, scenarioName, "<!--MIDDLE-->", middle)
	done := make(chan sippResult, 1)
	go func() { done <- runSipp(h.t, h.addr, sc, "-s", DemoNumber, "-m", "1") }()
	return func() sippResult {
		h.t.Helper()
		res := <-done
		waitCallsDone(h.t, h.srv)
		return res
	}
}

// sippSteps builds scenario steps: pause:<ms>, dtmf:<digits>, audio (sipp's g711a speech).
func sippSteps(steps ...string) string {
	var b strings.Builder
	for _, s := range steps {
		switch {
		case strings.HasPrefix(s, "pause:"):
			fmt.Fprintf(&b, "<pause milliseconds=%q/>\n", strings.TrimPrefix(s, "pause:"))
		case strings.HasPrefix(s, "dtmf:"):
			b.WriteString(pcapDigits(strings.TrimPrefix(s, "dtmf:")))
		case s == "audio":
			b.WriteString(`<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>` + "\n")
		}
	}
	return b.String()
}

// eventLog keeps the router's contact events and lets a test wait for one.
type eventLog struct {
	mu     sync.Mutex
	evs    []parley.ContactEvent
	notify chan struct{}
}

func (l *eventLog) Publish(ev parley.RoutingEvent) {
	if ev.Contact == nil {
		return
	}
	l.mu.Lock()
	l.evs = append(l.evs, *ev.Contact)
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

func (l *eventLog) all() []parley.ContactEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]parley.ContactEvent(nil), l.evs...)
}

// waitFor returns the first event that matches, waiting up to 60 s for it.
func (l *eventLog) waitFor(t *testing.T, what string, match func(parley.ContactEvent) bool) parley.ContactEvent {
	t.Helper()
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	for {
		for _, ev := range l.all() {
			if match(ev) {
				return ev
			}
		}
		select {
		case <-l.notify:
		case <-deadline.C:
			t.Fatalf("no %s event in 60 s; events: %+v", what, l.all())
		}
	}
}

func (l *eventLog) find(typ parley.ContactEventType, agent parley.UserID) func(parley.ContactEvent) bool {
	return func(ev parley.ContactEvent) bool {
		return ev.Type == typ && (agent == "" || ev.AgentID == agent)
	}
}

// phoneOptions say how an agent's softphone behaves on a call.
type phoneOptions struct {
	answered chan<- struct{} // told when the phone answered
	// hangupAfter > 0: hang up once this many voiced packets of the caller were heard (20 ms
	// each); the count goes to heard. 0: stay until the other side hangs up.
	hangupAfter int
	heard       chan<- int
	// voiced is told once notifyAfter voiced packets were heard.
	notifyAfter int
	voiced      chan<- struct{}
}

// talkingPhone answers, sends a tone and listens to the caller.
func talkingPhone(t *testing.T, o phoneOptions) func(d *diago.DialogServerSession) {
	return func(d *diago.DialogServerSession) {
		if err := d.Answer(); err != nil {
			t.Errorf("agent answer: %v", err)
			return
		}
		if o.answered != nil {
			o.answered <- struct{}{}
		}
		ctx, cancel := context.WithCancel(d.Context())
		defer cancel()
		w, err := d.AudioWriter()
		if err != nil {
			t.Errorf("agent writer: %v", err)
			return
		}
		talkDone := make(chan struct{})
		go func() {
			defer close(talkDone)
			frame := make([]byte, 160)
			codecPCMU.encode(frame, tone(20*time.Millisecond).Samples)
			for ctx.Err() == nil {
				if _, err := w.Write(frame); err != nil {
					return
				}
			}
		}()
		rd, err := d.AudioReader()
		if err != nil {
			t.Errorf("agent reader: %v", err)
			return
		}
		buf := make([]byte, media.RTPBufSize)
		pcm := make([]int16, media.RTPBufSize)
		voiced := 0
		for o.hangupAfter == 0 || voiced < o.hangupAfter {
			n, err := rd.Read(buf)
			if err != nil {
				break
			}
			codecPCMU.decode(pcm[:n], buf[:n])
			if rmsFloat(pcm[:n]) > 200 {
				voiced++
				if voiced == o.notifyAfter && o.voiced != nil {
					o.voiced <- struct{}{}
				}
			}
		}
		if o.heard != nil {
			o.heard <- voiced
		}
		cancel()
		<-talkDone
		if o.hangupAfter > 0 {
			hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer hcancel()
			_ = d.Hangup(hctx)
		}
	}
}

// ringingPhone rings and never answers; rang is told when the INVITE arrived.
func ringingPhone(rang chan<- struct{}) func(d *diago.DialogServerSession) {
	return func(d *diago.DialogServerSession) {
		_ = d.Ringing()
		rang <- struct{}{}
		<-d.Context().Done()
	}
}

// recordingRMS reads a recording and returns the RMS of its left and right channels.
func recordingRMS(t *testing.T, path string) (left, right float64) {
	t.Helper()
	var l, r []int16
	for _, f := range readStereoWAV(t, path) {
		l = append(l, f[0])
		r = append(r, f[1])
	}
	return rmsFloat(l), rmsFloat(r)
}

func routingEnqueue(c *parley.Contact, q parley.QueueID) routing.EnqueueRequest {
	return routing.EnqueueRequest{Contact: c, QueueID: q}
}
