package routing

import (
	"github.com/parley-cc/parley/backend/parley"
)

// Errors callers branch on. Each is a *parley.Error, so boundaries map its code once.
var (
	// ErrQueueAtCapacity: the queue holds MaxContacts contacts; flows take the QueueAtCapacity branch.
	ErrQueueAtCapacity = &parley.Error{Code: parley.EUnavailable, Message: "queue is at capacity"}
	// ErrQueueDisabled: the queue's status is DISABLED; it takes no new contacts.
	ErrQueueDisabled = &parley.Error{Code: parley.EUnavailable, Message: "queue is disabled"}
)

// contactTransitions lists, for each contact state, the states it may move to. docs/routing.md
// draws the same machine; TestContactTransitions checks every pair.
var contactTransitions = map[parley.ContactState][]parley.ContactState{
	parley.ContactInitiated:       {parley.ContactInFlow, parley.ContactQueued, parley.ContactEnded},
	parley.ContactInFlow:          {parley.ContactQueued, parley.ContactEnded},
	parley.ContactQueued:          {parley.ContactIncoming, parley.ContactInFlow, parley.ContactEnded},
	parley.ContactIncoming:        {parley.ContactConnecting, parley.ContactMissed, parley.ContactRejected, parley.ContactError, parley.ContactEnded},
	parley.ContactConnecting:      {parley.ContactConnected, parley.ContactError, parley.ContactEnded},
	parley.ContactConnected:       {parley.ContactConnectedOnHold, parley.ContactEnded},
	parley.ContactConnectedOnHold: {parley.ContactConnected, parley.ContactEnded},
	parley.ContactMissed:          {parley.ContactQueued},
	parley.ContactRejected:        {parley.ContactQueued},
	parley.ContactError:           {parley.ContactQueued},
	parley.ContactEnded:           {parley.ContactCompleted},
	parley.ContactCompleted:       nil,
}

// ContactStates lists every contact state.
var ContactStates = []parley.ContactState{
	parley.ContactInitiated, parley.ContactInFlow, parley.ContactQueued, parley.ContactIncoming,
	parley.ContactConnecting, parley.ContactConnected, parley.ContactConnectedOnHold,
	parley.ContactMissed, parley.ContactRejected, parley.ContactError, parley.ContactEnded,
	parley.ContactCompleted,
}

// ContactTransition returns nil when a contact may move from one state to another, and an
// EConflict error otherwise. Staying in the same state is not a transition.
func ContactTransition(from, to parley.ContactState) error {
	for _, s := range contactTransitions[from] {
		if s == to {
			return nil
		}
	}
	return parley.Conflictf("contact cannot go from %s to %s", stateName(from), stateName(to))
}

func stateName(s parley.ContactState) string {
	if s == "" {
		return "(none)"
	}
	return string(s)
}

// AgentState is an agent's status as the router tracks it: the status they chose, or the
// system's Missed/Error state after an offer went wrong. Whether they are on contacts or in
// after-contact work is separate: it follows from their contacts' states. It is the domain's
// type, so that the API can report it without importing the router.
type AgentState = parley.AgentState

// Agent states.
const (
	AgentLoggedOut     = parley.AgentLoggedOut
	AgentOffline       = parley.AgentOffline   // logged in, status of type OFFLINE
	AgentAvailable     = parley.AgentAvailable // status of type ROUTABLE
	AgentNonProductive = parley.AgentCustom    // a custom (non-productive) status
	AgentMissed        = parley.AgentMissed    // missed or rejected an offer; not routable until they choose a status
	AgentError         = parley.AgentError     // an offer failed (e.g. softphone unreachable); not routable until they choose a status
)

// AgentStates lists every agent state.
var AgentStates = []AgentState{AgentLoggedOut, AgentOffline, AgentAvailable, AgentNonProductive, AgentMissed, AgentError}

// AgentTrigger is what moves an agent between states.
type AgentTrigger string

// Agent triggers.
const (
	TriggerLogin           AgentTrigger = "LOGIN"
	TriggerLogout          AgentTrigger = "LOGOUT"
	TriggerChooseAvailable AgentTrigger = "CHOOSE_AVAILABLE" // the agent (or their next status) picks the ROUTABLE status
	TriggerChooseCustom    AgentTrigger = "CHOOSE_CUSTOM"
	TriggerChooseOffline   AgentTrigger = "CHOOSE_OFFLINE"
	TriggerOfferMissed     AgentTrigger = "OFFER_MISSED" // ring timeout or reject
	TriggerOfferFailed     AgentTrigger = "OFFER_FAILED"
)

// AgentTriggers lists every trigger.
var AgentTriggers = []AgentTrigger{TriggerLogin, TriggerLogout, TriggerChooseAvailable, TriggerChooseCustom, TriggerChooseOffline, TriggerOfferMissed, TriggerOfferFailed}

var loggedIn = []AgentState{AgentOffline, AgentAvailable, AgentNonProductive, AgentMissed, AgentError}

// agentTransitions: trigger -> allowed from-states -> to-state.
var agentTransitions = map[AgentTrigger]struct {
	from []AgentState
	to   AgentState
}{
	TriggerLogin:           {[]AgentState{AgentLoggedOut}, AgentOffline},
	TriggerLogout:          {loggedIn, AgentLoggedOut},
	TriggerChooseAvailable: {loggedIn, AgentAvailable},
	TriggerChooseCustom:    {loggedIn, AgentNonProductive},
	TriggerChooseOffline:   {loggedIn, AgentOffline},
	TriggerOfferMissed:     {[]AgentState{AgentAvailable}, AgentMissed},
	TriggerOfferFailed:     {[]AgentState{AgentAvailable}, AgentError},
}

// AgentTransition returns the state trigger t moves an agent in state from to, or an EConflict
// error when t is not allowed in that state.
func AgentTransition(from AgentState, t AgentTrigger) (AgentState, error) {
	tr, ok := agentTransitions[t]
	if !ok {
		return from, parley.Errorf(parley.EInvalid, "unknown agent trigger %q", t)
	}
	for _, s := range tr.from {
		if s == from {
			return tr.to, nil
		}
	}
	return from, parley.Conflictf("agent in state %s cannot %s", from, t)
}

// agentStateOf maps a status type to the state choosing it leads to.
func triggerFor(t parley.AgentStatusType) AgentTrigger {
	switch t {
	case parley.StatusRoutable:
		return TriggerChooseAvailable
	case parley.StatusOffline:
		return TriggerChooseOffline
	default:
		return TriggerChooseCustom
	}
}
