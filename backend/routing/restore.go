package routing

import (
	"sort"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// RestoreInput is what the store kept, handed back after a restart.
type RestoreInput struct {
	// Contacts: the last ContactRecord of every contact not yet COMPLETED.
	Contacts []ContactRecord
	// CTRs: the last (partial) record of those contacts, by ID; missing ones are rebuilt.
	CTRs map[parley.ContactID]*parley.CTR
	// LastAgentEvents: the last agent event of each agent; agents whose last event was not a
	// LOGOUT get a LOGOUT now, so their online time stops at the restart.
	LastAgentEvents []*parley.AgentEvent
}

// RestoreReport says what Restore did with each contact.
type RestoreReport struct {
	Requeued []parley.ContactID // back in their queues, in original order
	Closed   []parley.ContactID // ended with SYSTEM_SHUTDOWN (or completed, if already ENDED)
	Skipped  []parley.ContactID // in their flow (not the router's) or completed
}

// Restore rebuilds the router after a restart, before any agent logs in. Agents come back
// logged out. Contacts that were waiting and still exist — chats, tasks and queued callbacks
// that had not reached an agent — return to their queues at their original positions (enqueue
// time, priority, time adjustment). Contacts that had reached an agent, and every other VOICE
// contact (the call died with the process), end with reason SYSTEM_SHUTDOWN; contacts already
// ENDED (the agent was in after-contact work) complete with no ACW end. EConflict when the
// engine already holds contacts or logged-in agents.
func (e *Engine) Restore(now time.Time, in RestoreInput) (RestoreReport, error) {
	e.begin(now)
	var rep RestoreReport
	if len(e.contacts) > 0 {
		return rep, parley.Conflictf("restore: the router already holds %d contacts", len(e.contacts))
	}
	for _, a := range e.agents {
		if a.state != AgentLoggedOut {
			return rep, parley.Conflictf("restore: agent %q is already logged in", a.id)
		}
	}
	recs := append([]ContactRecord(nil), in.Contacts...)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].EnqueuedAt.Before(recs[j].EnqueuedAt) })
	for _, r := range recs {
		if r.Contact == nil || r.Contact.ID == "" {
			continue
		}
		ct := *r.Contact
		waiting := false
		switch ct.State {
		case parley.ContactQueued, parley.ContactIncoming, parley.ContactMissed, parley.ContactRejected, parley.ContactError:
			waiting = true
		case parley.ContactCompleted:
			rep.Skipped = append(rep.Skipped, ct.ID)
			continue
		case parley.ContactInitiated, parley.ContactInFlow:
			if ct.Channel != parley.ChannelVoice {
				rep.Skipped = append(rep.Skipped, ct.ID)
				continue
			}
		}
		ctr := in.CTRs[ct.ID]
		if ctr == nil {
			ctr = &parley.CTR{ContactID: ct.ID, InitialContactID: ct.InitialContactID, PreviousContactID: ct.PreviousContactID,
				NextContactID: ct.NextContactID, Channel: ct.Channel, InitiationMethod: ct.InitiationMethod,
				InitiationTimestamp: ct.InitiatedAt, Attributes: cloneMap(ct.Attributes)}
		} else {
			ctr = cloneCTR(ctr)
		}
		c := &contactRec{c: ct, ctr: ctr, idx: -1, prio: r.Priority, adjust: r.TimeAdjustment, attempt: r.CallbackAttempt}
		c.c.Attributes = cloneMap(ct.Attributes)
		if c.prio == 0 {
			c.prio = DefaultContactPriority
		}
		if r.Callback != nil {
			cb := *r.Callback
			c.callback = &cb
		}
		if waiting && (ct.Channel != parley.ChannelVoice || c.callback != nil) {
			if q, err := e.queueFor(ct.QueueID); err == nil && chIdx(ct.Channel) >= 0 {
				e.requeueRestored(c, q, r.EnqueuedAt)
				rep.Requeued = append(rep.Requeued, ct.ID)
				continue
			}
		}
		e.contacts[ct.ID] = c
		e.closeRestored(c)
		rep.Closed = append(rep.Closed, ct.ID)
	}
	for _, ev := range in.LastAgentEvents {
		if ev == nil || ev.Type == parley.AgentLogout {
			continue
		}
		out := &parley.AgentEvent{ID: parley.AgentEventID(e.newID()), Seq: e.nextSeq(), Type: parley.AgentLogout, Timestamp: e.now, AgentID: ev.AgentID, Previous: ev.Current}
		e.rec.RecordAgentEvent(out)
		e.pub.Publish(parley.RoutingEvent{ID: string(out.ID), Seq: out.Seq, Timestamp: e.now, Agent: out})
	}
	e.end()
	return rep, nil
}

func (e *Engine) requeueRestored(c *contactRec, q *queueState, enqueuedAt time.Time) {
	c.c.State = parley.ContactQueued
	c.c.AgentID = ""
	c.q, c.ch = q, chIdx(c.c.Channel)
	if enqueuedAt.IsZero() {
		enqueuedAt = e.now
	}
	c.enqueuedAt = enqueuedAt
	if c.ctr.Queue == nil {
		c.ctr.Queue = &parley.CTRQueue{ID: q.cfg.ID, Name: q.cfg.Name, EnqueueTimestamp: enqueuedAt}
	}
	c.ctr.Agent = nil
	e.cseq++
	c.seq = e.cseq
	e.contacts[c.c.ID] = c
	q.count++
	e.touchContact(c)
	if enqueuedAt.After(e.now) {
		c.scheduled, c.readyAt = true, enqueuedAt
		q.buckets[c.ch].scheduled++
		e.addTimer(enqueuedAt, timerReady, c, nil, c.seq)
		e.emitContact(parley.ContactEventScheduled, c)
		return
	}
	e.insertQueued(c)
	e.emitContact(parley.ContactEventQueued, c)
}

func (e *Engine) closeRestored(c *contactRec) {
	// A contact that had ended before the restart completes as it ended. Its stored record can
	// know of the end before its contact record does (they are written one after the other),
	// so either says so.
	if c.c.State == parley.ContactEnded || c.ctr.DisconnectTimestamp != nil {
		if c.c.DisconnectedAt == nil {
			c.c.DisconnectedAt, c.c.DisconnectReason = c.ctr.DisconnectTimestamp, c.ctr.DisconnectReason
		}
		c.c.State = parley.ContactEnded
		e.complete(c)
		return
	}
	if c.ctr.Queue != nil && c.ctr.Queue.DequeueTimestamp == nil {
		c.ctr.Queue.DequeueTimestamp = ptr(e.now)
		c.ctr.Queue.Duration = secs(e.now.Sub(c.ctr.Queue.EnqueueTimestamp))
	}
	c.c.DisconnectedAt = ptr(e.now)
	c.c.DisconnectReason = parley.DisconnectSystemDown
	c.ctr.DisconnectTimestamp = ptr(e.now)
	c.ctr.DisconnectReason = parley.DisconnectSystemDown
	// The state before the crash may be any; the restart is the transition to ENDED.
	c.c.State = parley.ContactEnded
	e.touchContact(c)
	e.emitContact(parley.ContactEventDisconnected, c)
	e.complete(c)
}
