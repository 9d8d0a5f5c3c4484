package sip

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// callRun is one inbound call, run by its own goroutine (HandleCall) from answer to hang-up.
type callRun struct {
	v    *VoiceChannel
	call *Call
	box  *callBox
	log  *slog.Logger

	contact parley.Contact // the contact the call is now (a transfer makes a new one)
	sess    *flow.Session  // the inbound flow; it ends (transferred) when an agent answers
	record  bool           // the flow's recording behaviour (default: record)
	hooks   map[string]string
	queued  bool // the contact is in a queue (routing behaviour changes go to the router)
}

// HandleCall implements CallHandler: it answers, creates the contact, runs the number's inbound
// flow, queues the contact, offers it to agents' softphones and bridges the call until one side
// hangs up (see docs/telephony.md, "The call path").
func (v *VoiceChannel) HandleCall(ctx context.Context, call *Call) {
	r := &callRun{v: v, call: call, log: call.log, record: true, hooks: map[string]string{}}
	r.run(ctx)
}

// bg is a context for the end-of-call work that must happen after the call's context ended.
func bg(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

func (r *callRun) run(ctx context.Context) {
	v, call := r.v, r.call
	now := v.now()
	c := &parley.Contact{
		Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound, State: parley.ContactInFlow,
		CustomerEndpoint: customerEndpoint(call.From),
		SystemEndpoint:   &parley.Endpoint{Type: parley.EndpointTelephone, Address: call.PhoneNumber.Number},
		Attributes:       map[string]string{}, InitiatedAt: now,
	}
	if err := v.svc.Contacts.CreateContact(ctx, c); err != nil {
		r.log.Error("voice: create contact", slog.Any("err", err))
		_ = call.Reject(500, "Server Internal Error")
		return
	}
	if c.InitialContactID == "" {
		c.InitialContactID = c.ID
	}
	r.contact = *c
	r.log = r.log.With(slog.String("contact_id", string(c.ID)))
	r.box = v.register(c.ID)
	defer v.unregister(r.box)

	def, err := v.svc.Env.Flow(string(call.PhoneNumber.FlowID))
	if err != nil {
		r.log.Error("voice: the number's inbound flow cannot run", slog.String("flow_id", string(call.PhoneNumber.FlowID)), slog.Any("err", err))
		_ = call.Reject(503, "Service Unavailable")
		r.endWithoutRouter(ctx, parley.DisconnectOther)
		return
	}
	if err := call.Answer(); err != nil {
		r.log.Warn("voice: answer", slog.Any("err", err))
		r.endWithoutRouter(ctx, parley.DisconnectTelecom)
		return
	}
	sess, effects, err := v.engine().Start(def, r.flowContact(nil))
	if err != nil {
		r.log.Error("voice: start inbound flow", slog.Any("err", err))
		r.hangup(ctx)
		r.endWithoutRouter(ctx, parley.DisconnectOther)
		return
	}
	r.sess = sess
	out := r.runFlow(ctx, sess, effects, flowInbound)
	switch {
	case out.gone:
		r.endWithoutRouter(ctx, parley.DisconnectCustomer)
		return
	case !out.queued:
		r.hangup(ctx)
		r.endWithoutRouter(ctx, parley.DisconnectContactFlow)
		return
	}
	for {
		oc, agent, ok := r.waitForAgent(ctx)
		if !ok {
			return
		}
		if !r.talk(ctx, oc, agent) {
			return
		}
	}
}

// flowContact is the contact as a flow sees it.
func (r *callRun) flowContact(q *flow.QueueRef) flow.Contact {
	c := &r.contact
	fc := flow.Contact{
		ContactID: string(c.ID), InitialContactID: string(c.InitialContactID), PreviousContactID: string(c.PreviousContactID),
		Channel: flow.ChannelVoice, InitiationMethod: string(c.InitiationMethod),
		CustomerEndpoint: flow.Endpoint{Address: c.CustomerEndpoint.Address, Type: string(c.CustomerEndpoint.Type)},
		SystemEndpoint:   flow.Endpoint{Address: c.SystemEndpoint.Address, Type: string(c.SystemEndpoint.Type)},
		Queue:            q, Attributes: map[string]string{},
	}
	for k, val := range c.Attributes {
		fc.Attributes[k] = val
	}
	return fc
}

func (r *callRun) hangup(ctx context.Context) {
	hctx, cancel := bg(ctx)
	defer cancel()
	_ = r.call.Hangup(hctx)
}

// endWithoutRouter ends a contact the router never held (the call ended in its flow).
func (r *callRun) endWithoutRouter(ctx context.Context, reason parley.DisconnectReason) {
	bctx, cancel := bg(ctx)
	defer cancel()
	now := r.v.now()
	err := r.v.updateRow(bctx, r.contact.ID, func(c *parley.Contact) {
		c.State, c.DisconnectedAt, c.DisconnectReason = parley.ContactCompleted, &now, reason
		c.Attributes = r.contact.Attributes
	})
	if err != nil {
		r.log.Error("voice: end contact", slog.Any("err", err))
	}
}

// disconnect tells the router the contact ended.
func (r *callRun) disconnect(ctx context.Context, reason parley.DisconnectReason) {
	bctx, cancel := bg(ctx)
	defer cancel()
	switch err := r.v.svc.Router.Disconnect(bctx, r.contact.ID, reason); parley.ErrorCodeOf(err) {
	case "", parley.EConflict: // ended already
	case parley.EUnavailable: // the router stopped first (shutdown): Restore ends the contact at the next start
		r.log.Info("voice: disconnect contact: router not running", slog.String("reason", string(reason)))
	default:
		r.log.Error("voice: disconnect contact", slog.String("reason", string(reason)), slog.Any("err", err))
	}
}

// enqueue hands the contact to the router; it returns the flow error type to resume with ("" on
// success).
func (r *callRun) enqueue(ctx context.Context, q parley.QueueID) string {
	c := r.contact
	c.State = parley.ContactInFlow
	c.QueueID = q
	prio, adj := 0, time.Duration(0)
	if r.sess != nil {
		prio, adj = r.sess.Priority, time.Duration(r.sess.AgeSeconds)*time.Second
	}
	_, err := r.v.svc.Router.Enqueue(ctx, routing.EnqueueRequest{Contact: &c, QueueID: q, Priority: prio, TimeAdjustment: adj})
	switch {
	case err == nil:
		r.queued = true
		return ""
	case errors.Is(err, routing.ErrQueueAtCapacity):
		return "QueueAtCapacity"
	default:
		r.log.Info("voice: the flow could not queue the contact", slog.String("queue_id", string(q)), slog.Any("err", err))
		return flow.ErrNoMatchingError
	}
}

// offer is a call to an agent's softphone in progress.
type offer struct {
	agent    parley.UserID
	accepted bool // the router has the contact CONNECTING (auto-accept or Accept over the API)
	result   chan dialResult
	abandon  chan struct{}
	cancel   context.CancelFunc
}

type dialResult struct {
	oc  *OutboundCall
	err error
}

var errNotRegistered = errors.New("the agent's softphone is not registered")

// startOffer INVITEs the agent's registered softphone. The result comes on o.result, unless the
// offer is abandoned first (then a phone that answered anyway is hung up).
func (r *callRun) startOffer(ctx context.Context, agent parley.UserID, accepted bool) *offer {
	return r.v.startOffer(ctx, r.contact.ID, agent, r.call.From, accepted)
}

// startOffer INVITEs agent's registered softphone for contact id, showing fromUser as the
// caller. The result comes on o.result, unless the offer is abandoned first (then a phone that
// answered anyway is hung up).
func (v *VoiceChannel) startOffer(ctx context.Context, id parley.ContactID, agent parley.UserID, fromUser string, accepted bool) *offer {
	o := &offer{agent: agent, accepted: accepted, result: make(chan dialResult), abandon: make(chan struct{})}
	headers := voiceHeaders(id, accepted)
	ring := v.svc.Router.RingTimeout(parley.ChannelVoice) + 5*time.Second
	dctx, cancel := context.WithTimeout(ctx, ring)
	o.cancel = cancel
	var b Binding
	ok := false
	if reg := v.srv.Registrar; reg != nil {
		b, ok = reg.Contact(agent)
	}
	go func() {
		var res dialResult
		if !ok {
			res.err = errNotRegistered
		} else {
			res.oc, res.err = v.srv.Dial(dctx, b.Contact, DialOptions{FromUser: fromUser, Headers: headers})
		}
		select {
		case o.result <- res:
		case <-o.abandon:
			if res.oc != nil {
				hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = res.oc.Hangup(hctx)
				hcancel()
				_ = res.oc.Close()
			}
		}
	}()
	return o
}

func (o *offer) stop() {
	select {
	case <-o.abandon:
	default:
		close(o.abandon)
	}
	o.cancel()
}

// waitForAgent holds a queued contact until an agent's phone answers (the customer queue flow
// plays meanwhile). It returns the agent's leg, or false when the call ended.
func (r *callRun) waitForAgent(ctx context.Context) (*OutboundCall, parley.UserID, bool) {
	v := r.v
	qctx, stopQ := context.WithCancel(ctx)
	qdone := make(chan bool, 1)
	go func() { qdone <- r.runQueueFlow(qctx) }()
	qrunning := true
	stopQueueFlow := func() {
		stopQ()
		if qrunning {
			<-qdone
			qrunning = false
		}
	}
	var of *offer
	defer func() {
		if of != nil {
			of.stop()
		}
		stopQueueFlow()
	}()
	for {
		var results chan dialResult
		if of != nil {
			results = of.result
		}
		select {
		case <-ctx.Done():
			// The customer hung up while queued (or ringing an agent): abandoned.
			r.disconnect(ctx, parley.DisconnectCustomer)
			return nil, "", false

		case disconnect := <-qdone:
			qrunning = false
			if disconnect {
				r.disconnect(ctx, parley.DisconnectContactFlow)
				r.hangup(ctx)
				return nil, "", false
			}

		case <-r.box.notify:
			evs := r.box.take()
			for i, ev := range evs {
				if ev.ContactID != r.contact.ID {
					continue
				}
				switch ev.Type {
				case parley.ContactEventOffered, parley.ContactEventConnecting:
					if of != nil && of.agent != ev.AgentID {
						of.stop()
						of = nil
					}
					if of == nil {
						// Auto-accept agents get OFFERED and CONNECTING together.
						accepted := ev.Type == parley.ContactEventConnecting || slices.ContainsFunc(evs[i+1:], func(e parley.ContactEvent) bool {
							return e.ContactID == ev.ContactID && e.Type == parley.ContactEventConnecting && e.AgentID == ev.AgentID
						})
						of = r.startOffer(ctx, ev.AgentID, accepted)
						r.log.Info("voice: offering to agent", slog.String("agent_id", string(ev.AgentID)), slog.Bool("accepted", accepted))
					} else if ev.Type == parley.ContactEventConnecting {
						of.accepted = true
					}
				case parley.ContactEventMissed, parley.ContactEventRejected, parley.ContactEventError:
					if of != nil {
						of.stop()
						of = nil
					}
				case parley.ContactEventDisconnected:
					r.hangup(ctx)
					return nil, "", false
				}
			}

		case res := <-results:
			o := of
			of = nil
			o.cancel()
			if res.err != nil {
				if ctx.Err() != nil {
					continue
				}
				r.offerFailed(ctx, o, res.err)
				continue
			}
			if !o.accepted {
				if err := v.svc.Router.Accept(ctx, o.agent, r.contact.ID); err != nil {
					// The offer ended meanwhile (ring timeout, the customer left).
					r.log.Info("voice: agent answered an offer that had ended", slog.String("agent_id", string(o.agent)), slog.Any("err", err))
					hctx, cancel := bg(ctx)
					_ = res.oc.Hangup(hctx)
					cancel()
					_ = res.oc.Close()
					continue
				}
			}
			stopQueueFlow()
			return res.oc, o.agent, true

		case cmd := <-r.box.cmds:
			cmd.reply <- voiceReply{err: parley.Conflictf("contact %q is not connected to an agent", r.contact.ID)}
		}
	}
}

// offerFailed reports an INVITE that did not reach the agent: declined by the phone (busy,
// decline) is a reject, anything else a failed offer (the agent goes to Error).
func (r *callRun) offerFailed(ctx context.Context, o *offer, err error) {
	code := sipStatus(err)
	r.log.Info("voice: offer failed", slog.String("agent_id", string(o.agent)), slog.Int("sip_status", code), slog.Any("err", err))
	var rerr error
	if !o.accepted && (code == 486 || code == 600 || code == 603) {
		rerr = r.v.svc.Router.Reject(ctx, o.agent, r.contact.ID)
	} else {
		rerr = r.v.svc.Router.OfferFailed(ctx, r.contact.ID)
	}
	if rerr != nil && parley.ErrorCodeOf(rerr) != parley.EConflict {
		r.log.Error("voice: report failed offer", slog.Any("err", rerr))
	}
}

// talk connects the customer and the agent who answered until the call ends (false) or the
// agent transfers it (true: the call is a new queued contact).
func (r *callRun) talk(ctx context.Context, oc *OutboundCall, agent parley.UserID) bool {
	v, call := r.v, r.call
	id := r.contact.ID
	log := r.log.With(slog.String("agent_id", string(agent)))
	defer oc.Close()
	hangupAgent := func() {
		hctx, cancel := bg(ctx)
		defer cancel()
		_ = oc.Hangup(hctx)
	}

	r.whisper(ctx, oc)
	if ctx.Err() != nil {
		r.disconnect(ctx, parley.DisconnectCustomer)
		hangupAgent()
		return false
	}
	if oc.Context().Err() != nil {
		r.disconnect(ctx, parley.DisconnectAgent)
		r.hangup(ctx)
		return false
	}
	r.box.set(id, agent) // commands may be sent from now on; they wait for the loop below
	if err := v.svc.Router.Connected(ctx, id); err != nil {
		log.Error("voice: connected", slog.Any("err", err))
		r.box.set(id, "")
		hangupAgent()
		r.disconnect(ctx, parley.DisconnectOther)
		r.hangup(ctx)
		return false
	}
	r.queued = false
	log.Info("voice: connected to agent")
	if r.sess != nil && !r.sess.Ended() {
		if _, err := v.engine().Resume(r.sess, flow.TransferResult("")); err != nil {
			log.Warn("voice: end inbound flow", slog.Any("err", err))
		}
		r.appendLogs(ctx, r.sess)
	}
	if r.record && v.RecordingsDir != "" {
		path, err := RecordingPath(v.RecordingsDir, id, v.now())
		if err == nil {
			_, err = call.StartRecording(path, v.RecordingOptions)
		}
		if err != nil {
			log.Error("voice: start recording", slog.Any("err", err))
		} else if err := v.svc.Router.SetRecording(ctx, id, v.recordingLocation(path)); err != nil {
			log.Error("voice: recording location", slog.Any("err", err))
		}
	}
	defer func() {
		if err := call.StopRecording(); err != nil {
			log.Error("voice: recording", slog.Any("err", err))
		}
	}()

	call.link(oc)
	var hold *holdPlayer
	stopHold := func() {
		if hold != nil {
			hold.stop()
			hold = nil
		}
	}
	defer stopHold()
	for {
		select {
		case <-ctx.Done():
			stopHold()
			call.unlink(oc)
			r.disconnect(ctx, parley.DisconnectCustomer)
			hangupAgent()
			return false

		case <-oc.Context().Done():
			stopHold()
			call.unlink(oc)
			r.disconnect(ctx, parley.DisconnectAgent)
			r.hangup(ctx)
			return false

		case <-r.box.notify:
			for _, ev := range r.box.take() {
				if ev.ContactID == id && ev.Type == parley.ContactEventDisconnected {
					// Ended by someone else (a supervisor, the system).
					stopHold()
					call.unlink(oc)
					hangupAgent()
					r.hangup(ctx)
					return false
				}
			}

		case cmd := <-r.box.cmds:
			var rep voiceReply
			switch cmd.kind {
			case cmdHold:
				if hold != nil {
					rep.err = parley.Conflictf("contact %q is already on hold", id)
				} else if rep.err = v.svc.Router.Hold(ctx, id); rep.err == nil {
					call.unlink(oc)
					hold = r.startHold(ctx)
				}
			case cmdResume:
				if hold == nil {
					rep.err = parley.Conflictf("contact %q is not on hold", id)
				} else if rep.err = v.svc.Router.Resume(ctx, id); rep.err == nil {
					stopHold()
					call.link(oc)
				}
			case cmdDigits:
				if err := call.SendDigits(ctx, cmd.digits); err != nil {
					rep.err = parley.Conflictf("cannot send digits to the customer: %v", err)
				}
			case cmdHangup:
				stopHold()
				call.unlink(oc)
				r.disconnect(ctx, parley.DisconnectAgent)
				cmd.reply <- rep
				hangupAgent()
				r.hangup(ctx)
				return false
			case cmdTransfer:
				next, err := v.svc.Router.Transfer(ctx, id, cmd.queue)
				if err != nil {
					if parley.ErrorCodeOf(err) == parley.ENotFound {
						err = parley.Invalidf("queueId", "%v", err)
					}
					rep.err = err
					break
				}
				stopHold()
				call.unlink(oc)
				hangupAgent()
				if err := call.StopRecording(); err != nil {
					log.Error("voice: recording", slog.Any("err", err))
				}
				log.Info("voice: transferred", slog.String("next_contact_id", string(next)), slog.String("queue_id", string(cmd.queue)))
				r.contact.PreviousContactID, r.contact.ID = id, next
				r.contact.InitiationMethod = parley.InitQueueTransfer
				if _, ok := routing.AgentOfQueue(cmd.queue); ok {
					r.contact.InitiationMethod = parley.InitTransfer
				}
				r.contact.InitiatedAt = v.now()
				r.log = call.log.With(slog.String("contact_id", string(next)))
				r.box.set(next, "")
				r.queued = true
				cmd.reply <- voiceReply{next: next}
				return true
			}
			cmd.reply <- rep
		}
	}
}
