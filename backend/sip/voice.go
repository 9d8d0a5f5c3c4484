package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// VoiceRouter is what the voice channel needs of the router; *routing.Router implements it.
type VoiceRouter interface {
	Enqueue(ctx context.Context, req routing.EnqueueRequest) (routing.EnqueueResult, error)
	Disconnect(ctx context.Context, id parley.ContactID, reason parley.DisconnectReason) error
	Accept(ctx context.Context, agent parley.UserID, id parley.ContactID) error
	Reject(ctx context.Context, agent parley.UserID, id parley.ContactID) error
	OfferFailed(ctx context.Context, id parley.ContactID) error
	Connected(ctx context.Context, id parley.ContactID) error
	Hold(ctx context.Context, id parley.ContactID) error
	Resume(ctx context.Context, id parley.ContactID) error
	Transfer(ctx context.Context, id parley.ContactID, to parley.QueueID) (parley.ContactID, error)
	UpdateRoutingBehavior(ctx context.Context, id parley.ContactID, rb routing.RoutingBehavior) error
	SetRecording(ctx context.Context, id parley.ContactID, location string) error
	RingTimeout(ch parley.Channel) time.Duration
}

var _ VoiceRouter = (*routing.Router)(nil)

// FunctionCaller calls external functions for InvokeLambdaFunction actions;
// *extfunc.Caller implements it (as the task channel's FunctionCaller).
type FunctionCaller interface {
	Input(ctx context.Context, e *flow.InvokeFunction) flow.Input
}

// TaskStarter starts the tasks a flow's CreateTask asks for; parley.TaskService implements it.
type TaskStarter interface {
	StartTask(ctx context.Context, req parley.StartTaskRequest) (*parley.Task, error)
}

// VoiceServices are what the voice channel cannot run without.
type VoiceServices struct {
	// Router is the ACD (*routing.Router). Its events must reach VoiceChannel.Publish.
	Router VoiceRouter
	// Contacts stores the voice contacts (the channel creates them; Run keeps them in step
	// with the router).
	Contacts parley.ContactService
	// FlowLogs receives the flow log entries of the calls' flows.
	FlowLogs parley.FlowLogService
	// Env answers the flows' lookups (flowenv.Env); Env.Flow(phone number's FlowID) is the
	// inbound flow's published version.
	Env flow.Env
	// Prompts turns text and prompt files into audio.
	Prompts *PromptSource
	// Inbox, when set, is the router's publisher for this channel (made before the router, as
	// the router needs its publishers when it is made): NewVoiceChannel attaches to it.
	// Otherwise put the VoiceChannel itself among the router's publishers.
	Inbox *VoiceInbox
}

// VoiceInbox is a routing.Publisher that forwards the router's events to the voice channel
// attached to it (events before that are dropped: there is no call yet). Make it with the
// router's other publishers and give it to NewVoiceChannel in VoiceServices.Inbox.
type VoiceInbox struct {
	v atomic.Pointer[VoiceChannel]
}

// NewVoiceInbox returns an inbox with no channel attached.
func NewVoiceInbox() *VoiceInbox { return &VoiceInbox{} }

// Publish implements routing.Publisher; it never blocks.
func (i *VoiceInbox) Publish(ev parley.RoutingEvent) {
	if v := i.v.Load(); v != nil {
		v.Publish(ev)
	}
}

// Defaults of VoiceChannel's optional fields.
const (
	DefaultQueueFlowName = "Default customer queue"
	DefaultQueuePrompt   = "Thank you for waiting. An agent will be with you shortly."
	DefaultHoldPrompt    = "You are on hold. Please stay on the line."
)

// VoiceChannel is Parley's voice channel: the CallHandler that runs each inbound call from
// answer to hang-up (the phone number's inbound flow, the queue and its customer queue flow,
// the offer to an agent's registered softphone, the bridge, recording and in-call controls),
// and the parley.VoiceService agents drive over the API. Make one with NewVoiceChannel, put
// it among the router's publishers, and start Run beside the SIP server.
type VoiceChannel struct {
	// PromptStore resolves PromptId messages (stored prompts). Nil: only text and SSML play.
	PromptStore parley.PromptService
	// QuickConnects resolves transfers to a quick connect. Nil: such transfers are invalid.
	QuickConnects parley.QuickConnectService
	// Functions calls external functions. Nil: InvokeLambdaFunction takes its error branch.
	Functions FunctionCaller
	// Tasks starts the tasks a flow creates. Nil: CreateTask is logged and skipped.
	Tasks TaskStarter
	// RecordingsDir is where call recordings go (RecordingPath: RecordingsDir/YYYY/MM/DD/<contact
	// ID>.wav). Empty: calls are not recorded.
	RecordingsDir string
	// RecordingsBase is the directory recording locations in CTRs are relative to (the data
	// directory). Default: RecordingsDir's parent.
	RecordingsBase string
	// RecordingOptions tune the recordings (flush interval, fsync).
	RecordingOptions RecordingOptions
	// DefaultQueueFlow is the customer queue flow (ID, ARN or name) for contacts whose flow set
	// none (UpdateContactEventHooks CustomerQueue); default DefaultQueueFlowName. When it does
	// not exist the caller hears QueuePrompt in a loop.
	DefaultQueueFlow string
	// QueuePrompt is spoken in a loop to waiting callers without a customer queue flow;
	// default DefaultQueuePrompt.
	QueuePrompt string
	// HoldAudio is played in a loop to a caller on hold (hold music). Nil: HoldPrompt.
	HoldAudio *Audio
	// HoldPrompt is spoken in a loop to a caller on hold when there is no HoldAudio nor a
	// CustomerHold flow; default DefaultHoldPrompt.
	HoldPrompt string
	// Clock is the time source of flows, waits and records; default the wall clock. Give the
	// router's.
	Clock routing.Clock
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Trunks are where outbound calls and queued callbacks go (the default trunk). Nil:
	// StartOutbound answers EUnavailable and callbacks fail (CallbackNoAnswer).
	Trunks parley.TrunkService

	srv *Server

	// The calls the channel places itself (outbound calls, callbacks) run in goroutines that
	// Run starts and waits for; runCtx is Run's context (the channel's lifetime).
	runMu   sync.Mutex
	runCtx  context.Context
	spawned sync.WaitGroup
	starts  []func(ctx context.Context) // callbacks to start, queued by Publish for Run
	svc     VoiceServices

	mu    sync.Mutex
	boxes map[parley.ContactID]*callBox

	rowMu sync.Mutex // serialises read-modify-write of stored contact rows

	evMu     sync.Mutex
	evs      []parley.ContactEvent // for Run: VOICE contact events to apply to stored rows
	evNotify chan struct{}
}

var _ CallHandler = (*VoiceChannel)(nil)
var _ parley.VoiceService = (*VoiceChannel)(nil)

// NewVoiceChannel returns the voice channel of srv: it becomes srv's CallHandler (make srv with
// a nil handler), dials agents through srv and takes their registrations from srv.Registrar.
// The router's events must reach it (VoiceServices.Inbox, or Publish). It starts nothing.
func NewVoiceChannel(srv *Server, svc VoiceServices) *VoiceChannel {
	v := &VoiceChannel{srv: srv, svc: svc, boxes: map[parley.ContactID]*callBox{}, evNotify: make(chan struct{}, 1)}
	srv.handler = v
	if svc.Inbox != nil {
		svc.Inbox.v.Store(v)
	}
	return v
}

func (v *VoiceChannel) clock() routing.Clock {
	if v.Clock == nil {
		return routing.RealClock{}
	}
	return v.Clock
}

func (v *VoiceChannel) now() time.Time { return v.clock().Now().UTC() }

func (v *VoiceChannel) logger() *slog.Logger {
	if v.Logger != nil {
		return v.Logger
	}
	return slog.Default()
}

func (v *VoiceChannel) engine() *flow.Engine {
	return &flow.Engine{Env: v.svc.Env, Now: v.now}
}

// ---- router events ----

// callBox is how other goroutines reach a call's goroutine: router events for its contacts
// and agents' commands.
type callBox struct {
	mu      sync.Mutex
	events  []parley.ContactEvent
	current parley.ContactID // the contact the call is now
	agent   parley.UserID    // the agent connected to it, or ""

	notify chan struct{}  // an event was added
	cmds   chan *voiceCmd // agents' commands, read while connected
	done   chan struct{}  // closed when the call ends
	ids    []parley.ContactID
}

func (b *callBox) take() []parley.ContactEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	evs := b.events
	b.events = nil
	return evs
}

func (b *callBox) set(current parley.ContactID, agent parley.UserID) {
	b.mu.Lock()
	b.current, b.agent = current, agent
	b.mu.Unlock()
}

// Publish takes the router's events (routing.Publisher): it never blocks. VOICE contact events
// go to the call they belong to (a contact made by a transfer joins its previous contact's
// call) and to Run, which keeps the stored contact rows in step.
func (v *VoiceChannel) Publish(ev parley.RoutingEvent) {
	ce := ev.Contact
	if ce == nil || ce.Channel != parley.ChannelVoice {
		return
	}
	v.mu.Lock()
	box := v.boxes[ce.ContactID]
	if box == nil && ce.Type == parley.ContactEventInitiated && ce.PreviousContactID != "" && ce.InitiationMethod != parley.InitCallback {
		if box = v.boxes[ce.PreviousContactID]; box != nil {
			v.boxes[ce.ContactID] = box
			box.ids = append(box.ids, ce.ContactID)
		}
	}
	if box == nil && ce.InitiationMethod == parley.InitCallback && (ce.Type == parley.ContactEventOffered || ce.Type == parley.ContactEventConnecting) {
		// A queued callback reached an agent: the channel dials it (Run starts the call).
		box = v.registerLocked(ce.ContactID)
		v.evMu.Lock()
		v.starts = append(v.starts, func(ctx context.Context) { v.runCallback(ctx, box, ce.ContactID) })
		v.evMu.Unlock()
	}
	v.mu.Unlock()
	if box != nil {
		box.mu.Lock()
		box.events = append(box.events, *ce)
		box.mu.Unlock()
		select {
		case box.notify <- struct{}{}:
		default:
		}
	}
	v.evMu.Lock()
	v.evs = append(v.evs, *ce)
	v.evMu.Unlock()
	select {
	case v.evNotify <- struct{}{}:
	default:
	}
}

func (v *VoiceChannel) register(id parley.ContactID) *callBox {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.registerLocked(id)
}

func (v *VoiceChannel) registerLocked(id parley.ContactID) *callBox {
	b := &callBox{current: id, notify: make(chan struct{}, 1), cmds: make(chan *voiceCmd), done: make(chan struct{}), ids: []parley.ContactID{id}}
	v.boxes[id] = b
	return b
}

// spawn runs f in a goroutine for the channel's lifetime (Run's context); Run waits for it.
// EUnavailable when Run is not running.
func (v *VoiceChannel) spawn(f func(ctx context.Context)) error {
	v.runMu.Lock()
	defer v.runMu.Unlock()
	if v.runCtx == nil || v.runCtx.Err() != nil {
		return parley.Errorf(parley.EUnavailable, "the voice channel is not running")
	}
	ctx := v.runCtx
	v.spawned.Go(func() { f(ctx) })
	return nil
}

func (v *VoiceChannel) unregister(b *callBox) {
	v.mu.Lock()
	for _, id := range b.ids {
		if v.boxes[id] == b {
			delete(v.boxes, id)
		}
	}
	v.mu.Unlock()
	close(b.done)
}

// Run keeps the stored voice contacts in step with the router's events (state, queue, agent,
// disconnect, the contacts transfers create) until ctx ends.
func (v *VoiceChannel) Run(ctx context.Context) error {
	v.runMu.Lock()
	v.runCtx = ctx
	v.runMu.Unlock()
	defer func() {
		v.runMu.Lock()
		v.runCtx = nil
		v.runMu.Unlock()
		v.spawned.Wait()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-v.evNotify:
		}
		v.evMu.Lock()
		evs := v.evs
		v.evs = nil
		starts := v.starts
		v.starts = nil
		v.evMu.Unlock()
		for _, f := range starts {
			if err := v.spawn(f); err != nil {
				v.logger().Warn("voice: start a placed call", slog.Any("err", err))
			}
		}
		for _, ev := range evs {
			if err := v.applyEvent(ctx, ev); err != nil && ctx.Err() == nil {
				v.logger().Error("voice: update contact from router event", slog.String("contact_id", string(ev.ContactID)),
					slog.String("event", string(ev.Type)), slog.Any("err", err))
			}
		}
	}
}

func (v *VoiceChannel) applyEvent(ctx context.Context, ev parley.ContactEvent) error {
	v.rowMu.Lock()
	defer v.rowMu.Unlock()
	row, err := v.svc.Contacts.FindContactByID(ctx, ev.ContactID)
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		if ev.Type != parley.ContactEventInitiated || ev.PreviousContactID == "" {
			return nil // not a contact of ours (a restored one, or made elsewhere)
		}
		prev, err := v.svc.Contacts.FindContactByID(ctx, ev.PreviousContactID)
		if err != nil {
			return fmt.Errorf("previous contact: %w", err)
		}
		row = &parley.Contact{
			ID: ev.ContactID, InitialContactID: ev.InitialContactID, PreviousContactID: ev.PreviousContactID,
			Channel: parley.ChannelVoice, InitiationMethod: ev.InitiationMethod, State: ev.State, QueueID: ev.QueueID,
			AgentID: ev.AgentID, CustomerEndpoint: prev.CustomerEndpoint, SystemEndpoint: prev.SystemEndpoint,
			Attributes: prev.Attributes, InitiatedAt: ev.Timestamp,
		}
		return v.svc.Contacts.CreateContact(ctx, row)
	}
	if err != nil {
		return err
	}
	row.State, row.QueueID, row.AgentID = ev.State, ev.QueueID, ev.AgentID
	if ev.NextContactID != "" {
		row.NextContactID = ev.NextContactID
	}
	if ev.DisconnectReason != "" && row.DisconnectedAt == nil {
		t := ev.Timestamp
		row.DisconnectedAt, row.DisconnectReason = &t, ev.DisconnectReason
	}
	return v.svc.Contacts.UpdateContact(ctx, row)
}

// updateRow changes a stored contact row under the row lock.
func (v *VoiceChannel) updateRow(ctx context.Context, id parley.ContactID, change func(*parley.Contact)) error {
	v.rowMu.Lock()
	defer v.rowMu.Unlock()
	row, err := v.svc.Contacts.FindContactByID(ctx, id)
	if err != nil {
		return err
	}
	change(row)
	return v.svc.Contacts.UpdateContact(ctx, row)
}

// ---- SIP credentials ----

// SIPCredentials implements parley.VoiceService.
func (v *VoiceChannel) SIPCredentials(ctx context.Context, agent parley.UserID) (*parley.SIPCredentials, error) {
	reg := v.srv.Registrar
	if reg == nil {
		return nil, parley.Errorf(parley.EUnavailable, "the SIP server has no registrar")
	}
	addr := v.registrarAddr()
	if addr == "" {
		return nil, parley.Errorf(parley.EUnavailable, "the SIP server is not running")
	}
	user, pass, ok := reg.Credentials(agent)
	if !ok {
		var err error
		if user, pass, err = reg.IssueCredentials(agent); err != nil {
			return nil, err
		}
	}
	return &parley.SIPCredentials{Username: user, Password: pass, Registrar: addr, Realm: reg.RealmName()}, nil
}

// RevokeSIPCredentials signs the agent's softphone out (their session ended). It is not an
// error when none were issued.
func (v *VoiceChannel) RevokeSIPCredentials(agent parley.UserID) {
	if reg := v.srv.Registrar; reg != nil {
		_ = reg.RevokeCredentials(agent)
	}
}

// registrarAddr is the SIP URI phones register with: the external host (or the bound address)
// and the SIP port.
func (v *VoiceChannel) registrarAddr() string {
	var a net.Addr
	for _, t := range []string{"udp", "tcp"} {
		if a = v.srv.LocalAddr(t); a != nil {
			break
		}
	}
	if a == nil {
		return ""
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return ""
	}
	if v.srv.ExternalHost != "" {
		host = v.srv.ExternalHost
	}
	return "sip:" + net.JoinHostPort(host, port)
}

// AgentSessions wraps an AgentService (the router) so that ending an agent's session also
// revokes their softphone's SIP credentials.
type AgentSessions struct {
	parley.AgentService
	Voice *VoiceChannel
}

// EndAgentSession implements parley.AgentService.
func (a AgentSessions) EndAgentSession(ctx context.Context, agent parley.UserID) error {
	if err := a.AgentService.EndAgentSession(ctx, agent); err != nil {
		return err
	}
	a.Voice.RevokeSIPCredentials(agent)
	return nil
}

// ---- in-call controls ----

type voiceCmdKind int

const (
	cmdHold voiceCmdKind = iota
	cmdResume
	cmdDigits
	cmdTransfer
	cmdHangup
)

type voiceCmd struct {
	kind   voiceCmdKind
	digits string
	queue  parley.QueueID
	reply  chan voiceReply // buffered: the call never waits for the caller
}

type voiceReply struct {
	next parley.ContactID
	err  error
}

// control sends a command to the call of contact id, which must be connected to agent.
func (v *VoiceChannel) control(ctx context.Context, agent parley.UserID, id parley.ContactID, cmd *voiceCmd) (voiceReply, error) {
	v.mu.Lock()
	box := v.boxes[id]
	v.mu.Unlock()
	if box == nil {
		return voiceReply{}, parley.NotFoundf("no call for contact %q", id)
	}
	box.mu.Lock()
	current, connected := box.current, box.agent
	box.mu.Unlock()
	if current != id {
		return voiceReply{}, parley.NotFoundf("no call for contact %q (the call is contact %q now)", id, current)
	}
	if connected != agent {
		return voiceReply{}, parley.Conflictf("contact %q is not connected to agent %q", id, agent)
	}
	cmd.reply = make(chan voiceReply, 1)
	select {
	case box.cmds <- cmd:
	case <-box.done:
		return voiceReply{}, parley.NotFoundf("the call of contact %q has ended", id)
	case <-ctx.Done():
		return voiceReply{}, ctx.Err()
	}
	select {
	case r := <-cmd.reply:
		return r, r.err
	case <-ctx.Done():
		return voiceReply{}, ctx.Err()
	}
}

// Hold implements parley.VoiceService.
func (v *VoiceChannel) Hold(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	_, err := v.control(ctx, agent, id, &voiceCmd{kind: cmdHold})
	return err
}

// Resume implements parley.VoiceService.
func (v *VoiceChannel) Resume(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	_, err := v.control(ctx, agent, id, &voiceCmd{kind: cmdResume})
	return err
}

// SendDigits implements parley.VoiceService.
func (v *VoiceChannel) SendDigits(ctx context.Context, agent parley.UserID, id parley.ContactID, digits string) error {
	if err := parley.ValidateDTMF("digits", digits); err != nil {
		return err
	}
	_, err := v.control(ctx, agent, id, &voiceCmd{kind: cmdDigits, digits: digits})
	return err
}

// Hangup implements parley.VoiceService.
func (v *VoiceChannel) Hangup(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	_, err := v.control(ctx, agent, id, &voiceCmd{kind: cmdHangup})
	return err
}

// Transfer implements parley.VoiceService.
func (v *VoiceChannel) Transfer(ctx context.Context, agent parley.UserID, id parley.ContactID, to parley.VoiceTransfer) (parley.ContactID, error) {
	q, err := v.transferQueue(ctx, to)
	if err != nil {
		return "", err
	}
	r, err := v.control(ctx, agent, id, &voiceCmd{kind: cmdTransfer, queue: q})
	return r.next, err
}

// transferQueue resolves a transfer destination to a queue (an agent's is their personal queue).
func (v *VoiceChannel) transferQueue(ctx context.Context, to parley.VoiceTransfer) (parley.QueueID, error) {
	if err := to.Validate(); err != nil {
		return "", err
	}
	if to.QuickConnectID != "" {
		if v.QuickConnects == nil {
			return "", parley.Invalidf("quickConnectId", "quick connects are not available on this server")
		}
		qc, err := v.QuickConnects.FindQuickConnectByID(ctx, to.QuickConnectID)
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			return "", parley.Invalidf("quickConnectId", "no quick connect with ID %q", to.QuickConnectID)
		}
		if err != nil {
			return "", err
		}
		switch qc.Type {
		case parley.QuickConnectQueue:
			to = parley.VoiceTransfer{QueueID: qc.QueueID}
		case parley.QuickConnectUser:
			to = parley.VoiceTransfer{AgentID: qc.UserID}
		default:
			return "", parley.Invalidf("quickConnectId", "quick connect %q calls a phone number: calls to phone numbers are not supported yet", qc.Name)
		}
	}
	if to.AgentID != "" {
		if _, err := v.svc.Env.Agent(string(to.AgentID)); err != nil {
			return "", parley.Invalidf("agentId", "no agent with ID %q", to.AgentID)
		}
		return routing.AgentQueueID(to.AgentID), nil
	}
	if _, err := v.svc.Env.Queue(string(to.QueueID)); err != nil {
		return "", parley.Invalidf("queueId", "no queue with ID %q", to.QueueID)
	}
	return to.QueueID, nil
}

// ---- helpers ----

// sipStatus returns the final status code of a failed INVITE, or 0.
func sipStatus(err error) int {
	var p *sipgo.ErrDialogResponse
	if errors.As(err, &p) && p.Res != nil {
		return p.Res.StatusCode
	}
	var v sipgo.ErrDialogResponse
	if errors.As(err, &v) && v.Res != nil {
		return v.Res.StatusCode
	}
	return 0
}

// recordingLocation is the CTR's recording location: path relative to RecordingsBase.
func (v *VoiceChannel) recordingLocation(path string) string {
	base := v.RecordingsBase
	if base == "" {
		base = filepath.Dir(filepath.Clean(v.RecordingsDir))
	}
	rel, err := filepath.Rel(base, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// customerEndpoint is the caller's address: an E.164 number when the From user part is one.
func customerEndpoint(from string) *parley.Endpoint {
	if n := normalizeE164(from); n != "" {
		return &parley.Endpoint{Type: parley.EndpointTelephone, Address: n}
	}
	return &parley.Endpoint{Type: parley.EndpointSIP, Address: from}
}

// contactHeader names the contact in the INVITE to the agent's phone.
func contactHeader(id parley.ContactID) sipmsg.Header {
	return sipmsg.NewHeader("X-Parley-Contact-Id", string(id))
}
