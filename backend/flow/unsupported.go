package flow

import "sort"

// unsupportedTypes are Flow language action types that Parley recognises but
// cannot run yet. Check reports them by name; at run time such an action is
// logged and takes its NoMatchingError branch (or its NextAction when it has
// no error branch), so the rest of the flow still runs.
var unsupportedTypes = map[string]bool{
	// Amazon Lex bots.
	"ConnectParticipantWithLexBot": true,
	// Voice ID.
	"StartVoiceIdStream": true, "CheckVoiceId": true, "SetVoiceId": true,
	// Cases.
	"CreateCase": true, "GetCase": true, "UpdateCase": true,
	// Customer profiles.
	"CreateCustomerProfile": true, "GetCustomerProfile": true, "UpdateCustomerProfile": true,
	"AssociateContactToCustomerProfile": true, "GetCustomerProfileObject": true,
	"GetCalculatedAttributesForCustomerProfile": true,
	// Agent workspace views.
	"ShowView": true,
	// Contact data and routing features Parley does not have.
	"UpdateContactData": true, "UpdateContactRoutingCriteria": true,
	"UpdateContactMediaStreamingBehavior": true, "UpdateContactMediaProcessing": true,
	"UpdateContactRecordingAndAnalyticsBehavior": true, "CreateWisdomSession": true,
	"UpdatePreviousContactParticipantState": true, "UnTagContact": true,
	"CheckOutboundCallStatus": true, "StartOutboundChatContact": true,
	"AuthenticateParticipant": true, "ResumeContact": true, "CreatePersistentContactAssociation": true,
	"InvokeThirdPartyAction": true,
}

// UnsupportedTypes returns the action types Parley recognises but cannot run.
func UnsupportedTypes() []string {
	out := make([]string, 0, len(unsupportedTypes))
	for t := range unsupportedTypes {
		out = append(out, t)
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
