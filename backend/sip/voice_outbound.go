package sip

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// Calls the voice channel places itself: outbound calls an agent dials (StartOutbound) and
// queued callbacks an agent takes. Both ring the agent's softphone first, then the customer
// through the default trunk, then bridge and record them as an inbound call is (customer left,
// agent right). See docs/telephony.md, "Outbound calls and callbacks".

var _ parley.VoiceCallService = (*VoiceChannel)(nil)

// OutboundRouter is what placed calls need of the router beyond VoiceRouter; *routing.Router
// implements it.
type OutboundRouter interface {
	StartOutbound(ctx context.Context, req routing.OutboundRequest) error
	OutboundQueue(ctx context.Context, agent parley.UserID) (parley.QueueID, error)
	CallbackNoAnswer(ctx context.Context, id parley.ContactID) (parley.ContactID, error)
}

var _ OutboundRouter = (*routing.Router)(nil)

func (v *VoiceChannel) outRouter() (OutboundRouter, error) {
	r, ok := v.svc.Router.(OutboundRouter)
	if !ok {
		return nil, parley.Errorf(parley.EUnavailable, "the router cannot place calls")
	}
	return r, nil
}

// trunk returns the trunk placed calls go through. EUnavailable when there is none.
func (v *VoiceChannel) trunk(ctx context.Context) (*parley.Trunk, error) {
	if v.Trunks == nil {
		return nil, parley.Errorf(parley.EUnavailable, "no SIP trunk is configured: outbound calls are not available")
	}
	t, err := v.Trunks.DefaultTrunk(ctx)
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		return nil, parley.Errorf(parley.EUnavailable, "no default SIP trunk: %v", err)
	}
	return t, err
}

// callerID returns the outbound caller ID number of a queue (its OutboundCallerID phone number).
func (v *VoiceChannel) callerID(ctx context.Context, q parley.QueueID) (string, error) {
	fq, err := v.svc.Env.Queue(string(q))
	if err != nil {
		return "", parley.Invalidf("queueId", "no queue with ID %q", q)
	}
	if fq.OutboundCallerID == "" {
		return "", parley.Invalidf("queueId", "queue %q has no outbound caller ID number: set its outboundCallerId", fq.Name)
	}
	pn, err := v.srv.numbers.FindPhoneNumberByID(ctx, parley.PhoneNumberID(fq.OutboundCallerID))
	if err != nil {
		return "", fmt.Errorf("queue %q caller ID: %w", fq.Name, err)
	}
	return pn.Number, nil
}

// StartOutbound implements parley.VoiceCallService: it creates the OUTBOUND contact (with the
// agent at once, see routing.Engine.StartOutbound) and places the call in a goroutine of its
// own; it returns the contact's ID once the agent's phone is being rung.
func (v *VoiceChannel) StartOutbound(ctx context.Context, agent parley.UserID, oc parley.OutboundCall) (parley.ContactID, error) {
	if err := oc.Validate(); err != nil {
		return "", err
	}
	rt, err := v.outRouter()
	if err != nil {
		return "", err
	}
	t, err := v.trunk(ctx)
	if err != nil {
		return "", err
	}
	q := oc.QueueID
	if q == "" {
		if q, err = rt.OutboundQueue(ctx, agent); err != nil {
			if parley.ErrorCodeOf(err) == parley.ENotFound {
				return "", parley.Conflictf("%v: start your agent session first", err)
			}
			return "", err
		}
	}
	caller, err := v.callerID(ctx, q)
	if err != nil {
		return "", err
	}
	reg := v.srv.Registrar
	if reg == nil {
		return "", parley.Errorf(parley.EUnavailable, "the SIP server has no registrar")
	}
	if _, ok := reg.Contact(agent); !ok {
		return "", parley.Errorf(parley.EUnavailable, "your softphone is not registered")
	}
	c := &parley.Contact{
		Channel: parley.ChannelVoice, InitiationMethod: parley.InitOutbound, State: parley.ContactInitiated,
		CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointTelephone, Address: oc.Destination},
		SystemEndpoint:   &parley.Endpoint{Type: parley.EndpointTelephone, Address: caller},
		QueueID:          q, AgentID: agent, Attributes: map[string]string{}, InitiatedAt: v.now(),
	}
	if err := v.svc.Contacts.CreateContact(ctx, c); err != nil {
		return "", err
	}
	box := v.register(c.ID)
	start := func() error {
		if err := rt.StartOutbound(ctx, routing.OutboundRequest{Contact: c, AgentID: agent, QueueID: q}); err != nil {
			if parley.ErrorCodeOf(err) == parley.ENotFound { // the queue was checked above: the agent
				return parley.Conflictf("%v: start your agent session first", err)
			}
			return err
		}
		p := &placed{v: v, box: box, id: c.ID, agent: agent, number: oc.Destination, callerID: caller, trunk: t,
			log: v.logger().With(slog.String("contact_id", string(c.ID)), slog.String("agent_id", string(agent)))}
		if err := v.spawn(p.runOutbound); err != nil {
			p.disconnect(ctx, parley.DisconnectOther)
			return err
		}
		return nil
	}
	if err := start(); err != nil {
		v.unregister(box)
		now := v.now()
		_ = v.updateRow(context.WithoutCancel(ctx), c.ID, func(row *parley.Contact) {
			row.State, row.DisconnectedAt, row.DisconnectReason = parley.ContactCompleted, &now, parley.DisconnectOther
		})
		return "", err
	}
	return c.ID, nil
}

// placed is a call the channel places: the agent's phone, then the customer through a trunk.
type placed struct {
	v        *VoiceChannel
	box      *callBox
	id       parley.ContactID
	agent    parley.UserID
	number   string // the customer's
	callerID string
	trunk    *parley.Trunk
	callback bool
	log      *slog.Logger
}

func (p *placed) disconnect(ctx context.Context, reason parley.DisconnectReason) {
	bctx, cancel := bg(ctx)
	defer cancel()
	switch err := p.v.svc.Router.Disconnect(bctx, p.id, reason); parley.ErrorCodeOf(err) {
	case "", parley.EConflict, parley.ENotFound, parley.EUnavailable:
	default:
		p.log.Error("voice: disconnect placed call", slog.Any("err", err))
	}
}

func hangupLeg(ctx context.Context, oc *OutboundCall) {
	hctx, cancel := bg(ctx)
	defer cancel()
	_ = oc.Hangup(hctx)
	_ = oc.Close()
}

// runOutbound rings the agent (already CONNECTING in the router), then dials the customer.
func (p *placed) runOutbound(ctx context.Context) {
	defer p.v.unregister(p.box)
	o := p.v.startOffer(ctx, p.id, p.agent, p.number, true)
	agentLeg, ok := p.waitAgent(ctx, o)
	if !ok {
		return
	}
	p.connectCustomer(ctx, agentLeg)
}

// waitAgent waits for the agent's phone of offer o; false when the call ended (the router is
// told).
func (p *placed) waitAgent(ctx context.Context, o *offer) (*OutboundCall, bool) {
	defer o.cancel()
	for {
		select {
		case <-ctx.Done():
			o.stop()
			p.disconnect(ctx, parley.DisconnectOther)
			return nil, false
		case res := <-o.result:
			if res.err != nil {
				p.log.Info("voice: the agent's phone did not answer the placed call", slog.Int("sip_status", sipStatus(res.err)), slog.Any("err", res.err))
				p.disconnect(ctx, parley.DisconnectAgent)
				return nil, false
			}
			if err := p.v.svc.Router.Connected(ctx, p.id); err != nil {
				p.log.Info("voice: placed call ended before the agent answered", slog.Any("err", err))
				hangupLeg(ctx, res.oc)
				p.disconnect(ctx, parley.DisconnectOther)
				return nil, false
			}
			return res.oc, true
		case <-p.box.notify:
			for _, ev := range p.box.take() {
				if ev.ContactID == p.id && ev.Type == parley.ContactEventDisconnected {
					o.stop()
					return nil, false
				}
			}
		case cmd := <-p.box.cmds:
			cmd.reply <- voiceReply{err: parley.Conflictf("contact %q is not connected yet", p.id)}
		}
	}
}

// connectCustomer dials the customer through the trunk while the agent waits, then bridges
// and records them until the call ends.
func (p *placed) connectCustomer(ctx context.Context, agentLeg *OutboundCall) {
	v := p.v
	defer agentLeg.Close()
	p.box.set(p.id, p.agent)
	defer p.box.set(p.id, "")

	dctx, cancelDial := context.WithTimeout(ctx, 60*time.Second)
	defer cancelDial()
	type dialled struct {
		oc  *OutboundCall
		err error
	}
	result := make(chan dialled, 1)
	go func() {
		oc, err := v.srv.DialTrunk(dctx, p.trunk, p.number, p.callerID, contactHeader(p.id))
		result <- dialled{oc, err}
	}()
	// abandon waits for the dial to give up and hangs up a customer who answered anyway.
	abandon := func() {
		cancelDial()
		if d := <-result; d.oc != nil {
			hangupLeg(ctx, d.oc)
		}
	}
	var cust *OutboundCall
	for cust == nil {
		select {
		case <-ctx.Done():
			abandon()
			hangupLeg(ctx, agentLeg)
			p.disconnect(ctx, parley.DisconnectOther)
			return
		case <-agentLeg.Context().Done():
			abandon()
			p.disconnect(ctx, parley.DisconnectAgent)
			return
		case d := <-result:
			if d.err != nil {
				code := sipStatus(d.err)
				p.log.Info("voice: the customer did not answer", slog.Int("sip_status", code), slog.Any("err", d.err))
				if p.callback {
					if next, err := v.outRouterMust().CallbackNoAnswer(ctx, p.id); err != nil {
						p.log.Error("voice: callback not answered", slog.Any("err", err))
						p.disconnect(ctx, parley.DisconnectOther)
					} else if next != "" {
						p.log.Info("voice: callback retry scheduled", slog.String("next_contact_id", string(next)))
					}
				} else {
					reason := parley.DisconnectCustomer
					if code == 0 || code >= 500 && code != 600 && code != 603 {
						reason = parley.DisconnectTelecom
					}
					p.disconnect(ctx, reason)
				}
				hangupLeg(ctx, agentLeg)
				return
			}
			cust = d.oc
		case <-p.box.notify:
			for _, ev := range p.box.take() {
				if ev.ContactID == p.id && ev.Type == parley.ContactEventDisconnected {
					abandon()
					hangupLeg(ctx, agentLeg)
					return
				}
			}
		case cmd := <-p.box.cmds:
			if cmd.kind == cmdHangup {
				abandon()
				p.disconnect(ctx, parley.DisconnectAgent)
				cmd.reply <- voiceReply{}
				hangupLeg(ctx, agentLeg)
				return
			}
			cmd.reply <- voiceReply{err: parley.Conflictf("the customer has not answered yet")}
		}
	}
	defer cust.Close()
	p.log.Info("voice: customer answered")
	p.bridge(ctx, cust, agentLeg)
}

// bridge connects the customer and the agent, records them, and serves the agent's in-call
// controls until the call ends.
func (p *placed) bridge(ctx context.Context, cust, agentLeg *OutboundCall) {
	v := p.v
	log := p.log
	var rec *Recording
	if v.RecordingsDir != "" {
		path, err := RecordingPath(v.RecordingsDir, p.id, v.now())
		if err == nil {
			rec, err = StartRecording(path, v.RecordingOptions)
		}
		if err != nil {
			log.Error("voice: start recording", slog.Any("err", err))
		} else if err := v.svc.Router.SetRecording(ctx, p.id, v.recordingLocation(path)); err != nil {
			log.Error("voice: recording location", slog.Any("err", err))
		}
	}
	link := func() {
		cust.leg.setPeer(agentLeg.leg)
		agentLeg.leg.setPeer(cust.leg)
		if rec != nil {
			cust.leg.setTap(rec.Left)
			agentLeg.leg.setTap(rec.Right)
		}
	}
	unlink := func() {
		cust.leg.setPeer(nil)
		agentLeg.leg.setPeer(nil)
		cust.leg.setTap(nil)
		agentLeg.leg.setTap(nil)
	}
	defer func() {
		unlink()
		if rec != nil {
			if err := rec.Close(); err != nil {
				log.Error("voice: recording", slog.Any("err", err))
			}
		}
	}()
	link()
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
			p.disconnect(ctx, parley.DisconnectOther)
			hangupLeg(ctx, agentLeg)
			hangupLeg(ctx, cust)
			return
		case <-cust.Context().Done():
			stopHold()
			p.disconnect(ctx, parley.DisconnectCustomer)
			hangupLeg(ctx, agentLeg)
			return
		case <-agentLeg.Context().Done():
			stopHold()
			p.disconnect(ctx, parley.DisconnectAgent)
			hangupLeg(ctx, cust)
			return
		case <-p.box.notify:
			for _, ev := range p.box.take() {
				if ev.ContactID == p.id && ev.Type == parley.ContactEventDisconnected {
					stopHold()
					hangupLeg(ctx, agentLeg)
					hangupLeg(ctx, cust)
					return
				}
			}
		case cmd := <-p.box.cmds:
			var rep voiceReply
			switch cmd.kind {
			case cmdHold:
				if hold != nil {
					rep.err = parley.Conflictf("contact %q is already on hold", p.id)
				} else if rep.err = v.svc.Router.Hold(ctx, p.id); rep.err == nil {
					unlink()
					hold = v.startLegHold(ctx, cust.leg, log)
				}
			case cmdResume:
				if hold == nil {
					rep.err = parley.Conflictf("contact %q is not on hold", p.id)
				} else if rep.err = v.svc.Router.Resume(ctx, p.id); rep.err == nil {
					stopHold()
					link()
				}
			case cmdDigits:
				if err := cust.leg.sendDigits(ctx, cmd.digits); err != nil {
					rep.err = parley.Conflictf("cannot send digits to the customer: %v", err)
				}
			case cmdHangup:
				stopHold()
				p.disconnect(ctx, parley.DisconnectAgent)
				cmd.reply <- rep
				hangupLeg(ctx, agentLeg)
				hangupLeg(ctx, cust)
				return
			default:
				rep.err = parley.Conflictf("transfers of placed calls are not supported yet")
			}
			cmd.reply <- rep
		}
	}
}

func (v *VoiceChannel) outRouterMust() OutboundRouter {
	r, _ := v.svc.Router.(OutboundRouter)
	return r
}

// startLegHold plays HoldAudio, or HoldPrompt in a loop, to a leg until stopped.
func (v *VoiceChannel) startLegHold(ctx context.Context, l *leg, log *slog.Logger) *holdPlayer {
	hctx, cancel := context.WithCancel(ctx)
	h := &holdPlayer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		a := v.HoldAudio
		for hctx.Err() == nil {
			au := a
			if au == nil {
				text := v.HoldPrompt
				if text == "" {
					text = DefaultHoldPrompt
				}
				var err error
				if au, err = v.svc.Prompts.Text(hctx, text); err != nil {
					if hctx.Err() == nil {
						log.Warn("voice: hold prompt", slog.Any("err", err))
					}
					au = nil
				}
			}
			if au != nil && len(au.Samples) > 0 {
				if _, _, err := l.play(hctx, au, false, nil); err != nil && hctx.Err() == nil {
					log.Warn("voice: play hold", slog.Any("err", err))
				}
			}
			if a == nil || au == nil {
				t := time.NewTimer(2 * time.Second)
				select {
				case <-hctx.Done():
				case <-t.C:
				}
				t.Stop()
			}
		}
	}()
	return h
}

// ---- queued callbacks ----

// createCallback queues the callback a flow's CreateCallbackContact asks for: a new CALLBACK
// contact, linked to the call's, in the flow's queue (or the call's target queue) with the
// flow's delays and attempts.
func (r *callRun) createCallback(ctx context.Context, e *flow.CreateCallback) {
	v := r.v
	q := parley.QueueID("")
	if e.Queue != nil {
		q = parley.QueueID(e.Queue.ID)
	}
	if q == "" {
		r.log.Warn("voice: CreateCallbackContact without a queue; skipped")
		return
	}
	number := e.Number
	if n := normalizeE164(number); n != "" {
		number = n
	}
	if parley.ValidatePhoneNumber("number", number) != nil {
		r.log.Warn("voice: CreateCallbackContact with an invalid number; skipped", slog.String("number", e.Number))
		return
	}
	c := &parley.Contact{
		Channel: parley.ChannelVoice, InitiationMethod: parley.InitCallback, State: parley.ContactInitiated,
		InitialContactID: r.contact.InitialContactID, PreviousContactID: r.contact.ID,
		CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointTelephone, Address: number},
		SystemEndpoint:   r.contact.SystemEndpoint, QueueID: q, Attributes: map[string]string{}, InitiatedAt: v.now(),
	}
	for k, val := range r.contact.Attributes {
		c.Attributes[k] = val
	}
	if err := v.svc.Contacts.CreateContact(ctx, c); err != nil {
		r.log.Error("voice: create callback contact", slog.Any("err", err))
		return
	}
	cb := &routing.CallbackOptions{InitialDelay: time.Duration(e.InitialDelaySeconds) * time.Second,
		MaxAttempts: e.MaxAttempts, RetryInterval: time.Duration(e.RetryDelaySeconds) * time.Second}
	if _, err := v.svc.Router.Enqueue(ctx, routing.EnqueueRequest{Contact: c, QueueID: q, Callback: cb}); err != nil {
		r.log.Warn("voice: queue callback", slog.String("queue_id", string(q)), slog.Any("err", err))
		now := v.now()
		_ = v.updateRow(ctx, c.ID, func(row *parley.Contact) {
			row.State, row.DisconnectedAt, row.DisconnectReason = parley.ContactCompleted, &now, parley.DisconnectOther
		})
		return
	}
	r.log.Info("voice: callback queued", slog.String("callback_contact_id", string(c.ID)), slog.String("queue_id", string(q)))
}

// runCallback serves a queued callback from its first offer: it rings the offered agent's
// phone (answering is accepting), then dials the customer through the trunk. A declined or
// missed offer goes back to the queue and the next offer rings the next agent, as for inbound
// calls.
func (v *VoiceChannel) runCallback(ctx context.Context, box *callBox, id parley.ContactID) {
	defer v.unregister(box)
	log := v.logger().With(slog.String("contact_id", string(id)))
	row, err := v.svc.Contacts.FindContactByID(ctx, id)
	if err != nil || row.CustomerEndpoint == nil {
		log.Error("voice: callback contact", slog.Any("err", err))
		_ = v.svc.Router.Disconnect(ctx, id, parley.DisconnectOther)
		return
	}
	p := &placed{v: v, box: box, id: id, number: row.CustomerEndpoint.Address, callback: true, log: log}
	if row.SystemEndpoint != nil {
		p.callerID = row.SystemEndpoint.Address
	}
	if q := row.QueueID; q != "" {
		if c, err := v.callerID(ctx, q); err == nil {
			p.callerID = c
		}
	}
	var of *offer
	defer func() {
		if of != nil {
			of.stop()
		}
	}()
	for {
		var results chan dialResult
		if of != nil {
			results = of.result
		}
		select {
		case <-ctx.Done():
			return
		case <-box.notify:
			evs := box.take()
			for i, ev := range evs {
				if ev.ContactID != id {
					continue
				}
				switch ev.Type {
				case parley.ContactEventOffered, parley.ContactEventConnecting:
					if of != nil && of.agent != ev.AgentID {
						of.stop()
						of = nil
					}
					if of == nil {
						accepted := ev.Type == parley.ContactEventConnecting
						for _, e := range evs[i+1:] {
							if e.ContactID == id && e.Type == parley.ContactEventConnecting && e.AgentID == ev.AgentID {
								accepted = true
							}
						}
						of = v.startOffer(ctx, id, ev.AgentID, p.number, accepted)
					} else if ev.Type == parley.ContactEventConnecting {
						of.accepted = true
					}
				case parley.ContactEventMissed, parley.ContactEventRejected, parley.ContactEventError:
					if of != nil {
						of.stop()
						of = nil
					}
				case parley.ContactEventDisconnected:
					return
				}
			}
		case res := <-results:
			o := of
			of = nil
			o.cancel()
			if res.err != nil {
				code := sipStatus(res.err)
				var rerr error
				if !o.accepted && (code == 486 || code == 600 || code == 603) {
					rerr = v.svc.Router.Reject(ctx, o.agent, id)
				} else {
					rerr = v.svc.Router.OfferFailed(ctx, id)
				}
				if rerr != nil && parley.ErrorCodeOf(rerr) != parley.EConflict {
					log.Error("voice: report failed callback offer", slog.Any("err", rerr))
				}
				continue
			}
			if !o.accepted {
				if err := v.svc.Router.Accept(ctx, o.agent, id); err != nil {
					hangupLeg(ctx, res.oc)
					continue
				}
			}
			if err := v.svc.Router.Connected(ctx, id); err != nil {
				log.Info("voice: callback ended before the agent answered", slog.Any("err", err))
				hangupLeg(ctx, res.oc)
				return
			}
			p.agent = o.agent
			p.log = log.With(slog.String("agent_id", string(o.agent)))
			t, err := v.trunk(ctx)
			if err != nil {
				log.Warn("voice: callback cannot be dialled", slog.Any("err", err))
				hangupLeg(ctx, res.oc)
				p.disconnect(ctx, parley.DisconnectOther)
				return
			}
			p.trunk = t
			p.connectCustomer(ctx, res.oc)
			return
		case cmd := <-box.cmds:
			cmd.reply <- voiceReply{err: parley.Conflictf("contact %q is not connected yet", id)}
		}
	}
}

// TrunkStore returns the trunks (the API's /v1/trunks routes find them through the voice
// service).
func (v *VoiceChannel) TrunkStore() parley.TrunkService { return v.Trunks }
