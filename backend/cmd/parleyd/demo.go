package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
)

// DemoPhoneNumber is the demo instance's inbound number.
const DemoPhoneNumber = "+15555550100"

// demoUsers are the demo logins: username, password, security profiles, routing profile key.
var demoUsers = []struct {
	username, password, first, last string
	profiles                        []string
	routing                         string
}{
	{"admin", "admin-demo", "Ada", "Admin", []string{parley.ProfileAdmin}, ""},
	{"supervisor", "supervisor-demo", "Sam", "Supervisor", []string{parley.ProfileCallCenterManager, parley.ProfileAgent}, "sales"},
	{"analyst", "analyst-demo", "Quinn", "Analyst", []string{parley.ProfileQualityAnalyst}, ""},
	{"agent1", "agent1-demo", "Alex", "Agent", []string{parley.ProfileAgent}, "sales"},
	{"agent2", "agent2-demo", "Blair", "Agent", []string{parley.ProfileAgent}, "billing"},
}

func printDemoLogins(w io.Writer, firstStart bool) {
	if !firstStart {
		fmt.Fprintln(w, "  Demo:      this data directory already had an instance; the demo logins below exist\n             only if it was created with --demo.")
	}
	fmt.Fprintf(w, "  Demo number: %s (inbound flow \"Sample inbound flow\")\n  Demo logins (username / password / role):\n", DemoPhoneNumber)
	for _, u := range demoUsers {
		fmt.Fprintf(w, "    %-10s  %-16s  %s\n", u.username, u.password, strings.Join(u.profiles, ", "))
	}
}

// seedDemo creates the demo instance: hours, queues, statuses, routing profiles, users, quick
// connects, a sample inbound flow and its phone number. Every entity goes through the domain
// services, so it is validated and audited like an admin's change.
func seedDemo(ctx context.Context, svc parleyhttp.Services) error {
	alwaysOpen := &parley.HoursOfOperation{Name: "Always open", Description: "24 hours, 7 days", TimeZone: "UTC"}
	business := &parley.HoursOfOperation{Name: "Business hours", Description: "Weekdays 08:00-18:00 London", TimeZone: "Europe/London"}
	for _, d := range []parley.Weekday{parley.Sunday, parley.Monday, parley.Tuesday, parley.Wednesday, parley.Thursday, parley.Friday, parley.Saturday} {
		alwaysOpen.Config = append(alwaysOpen.Config, parley.HoursRange{Day: d, StartTime: parley.TimeOfDay{}, EndTime: parley.TimeOfDay{Hours: 24}})
		if d != parley.Saturday && d != parley.Sunday {
			business.Config = append(business.Config, parley.HoursRange{Day: d, StartTime: parley.TimeOfDay{Hours: 8}, EndTime: parley.TimeOfDay{Hours: 18}})
		}
	}
	business.Overrides = []parley.HoursOverride{{Name: "Christmas Day", Type: parley.OverrideClosed, EffectiveFrom: "2026-12-25", EffectiveTill: "2026-12-25"}}
	for _, h := range []*parley.HoursOfOperation{alwaysOpen, business} {
		if err := svc.Hours.CreateHours(ctx, h); err != nil {
			return fmt.Errorf("demo hours %q: %w", h.Name, err)
		}
	}
	for i, name := range []string{"Break", "Lunch", "Training"} {
		s := &parley.AgentStatus{Name: name, Type: parley.StatusCustom, DisplayOrder: 2 + i, Enabled: true}
		if err := svc.AgentStatuses.CreateAgentStatus(ctx, s); err != nil {
			return fmt.Errorf("demo status %q: %w", name, err)
		}
	}
	queues := map[string]*parley.Queue{
		"Sales":   {Name: "Sales", Description: "New customers and upgrades", HoursOfOperationID: alwaysOpen.ID, MaxContacts: 50},
		"Support": {Name: "Support", Description: "Help with the product", HoursOfOperationID: alwaysOpen.ID, MaxContacts: 100},
		"Billing": {Name: "Billing", Description: "Invoices and payments", HoursOfOperationID: business.ID, MaxContacts: 20},
	}
	for _, name := range []string{"Sales", "Support", "Billing"} {
		if err := svc.Queues.CreateQueue(ctx, queues[name]); err != nil {
			return fmt.Errorf("demo queue %q: %w", name, err)
		}
	}
	all := []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}, {Channel: parley.ChannelChat, Concurrency: 3}, {Channel: parley.ChannelTask, Concurrency: 2}}
	type entry struct {
		queue           string
		priority, delay int
	}
	entries := func(list ...entry) []parley.RoutingProfileQueue {
		var out []parley.RoutingProfileQueue
		for _, e := range list {
			for _, ch := range parley.Channels {
				out = append(out, parley.RoutingProfileQueue{QueueID: queues[e.queue].ID, Channel: ch, Priority: e.priority, Delay: e.delay})
			}
		}
		return out
	}
	profiles := map[string]*parley.RoutingProfile{
		"sales": {Name: "Sales and Support", Description: "Sales first, Support second", MediaConcurrencies: all,
			Queues: entries(entry{"Sales", 1, 0}, entry{"Support", 2, 0}), DefaultOutboundQueueID: queues["Sales"].ID, AfterContactWorkTimeLimit: 120},
		"billing": {Name: "Billing", Description: "Billing first; Support after 30 s waiting", MediaConcurrencies: all,
			Queues: entries(entry{"Billing", 1, 0}, entry{"Support", 2, 30}), DefaultOutboundQueueID: queues["Billing"].ID, AfterContactWorkTimeLimit: 120},
	}
	for _, key := range []string{"sales", "billing"} {
		if err := svc.RoutingProfiles.CreateRoutingProfile(ctx, profiles[key]); err != nil {
			return fmt.Errorf("demo routing profile %q: %w", profiles[key].Name, err)
		}
	}
	var agent1 *parley.User
	for _, du := range demoUsers {
		u := &parley.User{Username: du.username, FirstName: du.first, LastName: du.last}
		for _, name := range du.profiles {
			p, err := findProfile(ctx, svc, name)
			if err != nil {
				return err
			}
			u.SecurityProfileIDs = append(u.SecurityProfileIDs, p.ID)
		}
		if du.routing != "" {
			u.RoutingProfileID = profiles[du.routing].ID
		}
		if err := svc.Users.CreateUser(ctx, u, du.password); err != nil {
			return fmt.Errorf("demo user %q: %w", du.username, err)
		}
		if du.username == "agent1" {
			agent1 = u
		}
	}
	qcs := []*parley.QuickConnect{
		{Name: "Sales queue", Type: parley.QuickConnectQueue, QueueID: queues["Sales"].ID},
		{Name: "Support queue", Type: parley.QuickConnectQueue, QueueID: queues["Support"].ID},
		{Name: "Billing queue", Type: parley.QuickConnectQueue, QueueID: queues["Billing"].ID},
		{Name: "Alex (agent1)", Type: parley.QuickConnectUser, UserID: agent1.ID},
		{Name: "Head office", Type: parley.QuickConnectPhoneNumber, PhoneNumber: "+15555550199"},
	}
	for _, qc := range qcs {
		if err := svc.QuickConnects.CreateQuickConnect(ctx, qc); err != nil {
			return fmt.Errorf("demo quick connect %q: %w", qc.Name, err)
		}
	}
	for _, q := range queues {
		for _, qc := range qcs {
			q.QuickConnectIDs = append(q.QuickConnectIDs, qc.ID)
		}
		if err := svc.Queues.UpdateQueue(ctx, q); err != nil {
			return fmt.Errorf("demo queue %q quick connects: %w", q.Name, err)
		}
	}
	if err := svc.Prompts.CreatePrompt(ctx, &parley.Prompt{Name: "Welcome", Type: parley.PromptText,
		Text: "Thank you for calling Parley."}); err != nil {
		return fmt.Errorf("demo prompt: %w", err)
	}
	queueFlow := &parley.Flow{Name: "Default customer queue", Type: parley.FlowCustomerQueue,
		Description: "What callers hear while they wait", Content: demoQueueFlow}
	inbound := &parley.Flow{Name: "Sample inbound flow", Type: parley.FlowContact,
		Description: "Greeting, a menu for Sales, Support and Billing, then the queue",
		Content: strings.NewReplacer("{{SALES}}", string(queues["Sales"].ID), "{{SUPPORT}}", string(queues["Support"].ID),
			"{{BILLING}}", string(queues["Billing"].ID)).Replace(demoInboundFlow)}
	taskFlow := &parley.Flow{Name: DefaultTaskFlowName, Type: parley.FlowContact,
		Description: "Tasks without a flow or queue of their own go to Support",
		Content:     strings.ReplaceAll(demoTaskFlow, "{{SUPPORT}}", string(queues["Support"].ID))}
	chatFlow := &parley.Flow{Name: DefaultChatFlowName, Type: parley.FlowContact,
		Description: "Web chats: a greeting and a typed menu for Sales, Support and Billing",
		Content: strings.NewReplacer("{{SALES}}", string(queues["Sales"].ID), "{{SUPPORT}}", string(queues["Support"].ID),
			"{{BILLING}}", string(queues["Billing"].ID), "For sales, press 1. For support, press 2. For billing, press 3.",
			"Type 1 for sales, 2 for support or 3 for billing.", "Thank you for calling Parley.", "Hello, and thank you for contacting Parley.",
			`"InputTimeLimitSeconds": "8"`, `"InputTimeLimitSeconds": "180"`).Replace(demoInboundFlow)}
	for _, f := range []*parley.Flow{queueFlow, inbound, taskFlow, chatFlow} {
		if err := svc.Flows.CreateFlow(ctx, f); err != nil {
			return fmt.Errorf("demo flow %q: %w", f.Name, err)
		}
		if err := (flowValidator{}).ValidateFlow([]byte(f.Content)); err != nil {
			return fmt.Errorf("demo flow %q does not validate: %w", f.Name, err)
		}
		if _, err := svc.Flows.PublishFlow(ctx, f.ID); err != nil {
			return fmt.Errorf("publish demo flow %q: %w", f.Name, err)
		}
	}
	if err := svc.PhoneNumbers.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: DemoPhoneNumber,
		Description: "Demo inbound number", FlowID: inbound.ID}); err != nil {
		return fmt.Errorf("demo phone number: %w", err)
	}
	return nil
}

// demoInboundFlow greets the caller, offers a menu, and transfers to the chosen queue. Queue IDs
// are filled in at seed time.
const demoInboundFlow = `{
  "Version": "2019-10-30",
  "StartAction": "welcome",
  "Metadata": {"name": "Sample inbound flow"},
  "Actions": [
    {"Identifier": "welcome", "Type": "MessageParticipant",
     "Parameters": {"Text": "Thank you for calling Parley."},
     "Transitions": {"NextAction": "menu", "Errors": [{"NextAction": "menu", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "menu", "Type": "GetParticipantInput",
     "Parameters": {"Text": "For sales, press 1. For support, press 2. For billing, press 3.", "StoreInput": "False", "InputTimeLimitSeconds": "8"},
     "Transitions": {"NextAction": "set-support",
       "Conditions": [
         {"NextAction": "set-sales", "Condition": {"Operator": "Equals", "Operands": ["1"]}},
         {"NextAction": "set-support", "Condition": {"Operator": "Equals", "Operands": ["2"]}},
         {"NextAction": "set-billing", "Condition": {"Operator": "Equals", "Operands": ["3"]}}],
       "Errors": [
         {"NextAction": "set-support", "ErrorType": "InputTimeLimitExceeded"},
         {"NextAction": "menu", "ErrorType": "NoMatchingCondition"},
         {"NextAction": "set-support", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "set-sales", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "{{SALES}}"},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "sorry", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "set-support", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "{{SUPPORT}}"},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "sorry", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "set-billing", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "{{BILLING}}"},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "sorry", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {},
     "Transitions": {"NextAction": "sorry", "Errors": [
       {"NextAction": "busy", "ErrorType": "QueueAtCapacity"},
       {"NextAction": "sorry", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "busy", "Type": "MessageParticipant",
     "Parameters": {"Text": "All our agents are busy and the queue is full. Please call again later."},
     "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "sorry", "Type": "MessageParticipant",
     "Parameters": {"Text": "Sorry, something went wrong. Please call again later."},
     "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}`

// demoQueueFlow is the customer queue flow: a message, a wait, and again.
const demoQueueFlow = `{
  "Version": "2019-10-30",
  "StartAction": "hold-message",
  "Metadata": {"name": "Default customer queue"},
  "Actions": [
    {"Identifier": "hold-message", "Type": "MessageParticipant",
     "Parameters": {"Text": "Thank you for waiting. Your call is important to us; an agent will be with you shortly."},
     "Transitions": {"NextAction": "pause", "Errors": [{"NextAction": "pause", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "pause", "Type": "Wait", "Parameters": {"TimeLimitSeconds": "30"},
     "Transitions": {"NextAction": "hold-message", "Errors": [{"NextAction": "hold-message", "ErrorType": "NoMatchingError"}]}}
  ]
}`

// demoTaskFlow routes tasks to Support.
const demoTaskFlow = `{
  "Version": "2019-10-30",
  "StartAction": "set-support",
  "Metadata": {"name": "Default task flow"},
  "Actions": [
    {"Identifier": "set-support", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "{{SUPPORT}}"},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {},
     "Transitions": {"NextAction": "end", "Errors": [
       {"NextAction": "end", "ErrorType": "QueueAtCapacity"},
       {"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}`
