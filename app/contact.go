package app

import (
	"net/http"
	"net/url"

	"github.com/parley-cc/parley/backend/api"
)

// ContactDetails is the screen pop: what the API tells about one of the agent's contacts.
// Tasks come from GET /v1/tasks/{id} (agents may read them); other channels from
// GET /v1/contacts/{id}, which needs ContactSearch.View: without it only the ID and channel
// are known (Partial is true) and the UI shows what the event stream gave.
type ContactDetails struct {
	api.Contact
	References []api.TaskReference `json:"references,omitempty"`
	Partial    bool                `json:"partial"`
}

// ContactDetails loads the screen pop of a contact.
func (a *App) ContactDetails(contactID, channel string) (*ContactDetails, error) {
	if contactID == "" {
		return nil, &Error{Code: CodeInvalid, Field: "contactId", Message: "a contact ID is required"}
	}
	id := url.PathEscape(contactID)
	if channel == "TASK" {
		var t api.Task
		if err := a.call(http.MethodGet, "/v1/tasks/"+id, nil, &t); err != nil {
			return nil, err
		}
		return &ContactDetails{Contact: t.Contact, References: t.References}, nil
	}
	var c api.Contact
	err := a.call(http.MethodGet, "/v1/contacts/"+id, nil, &c)
	if codeOf(err) == "forbidden" {
		return &ContactDetails{Contact: api.Contact{ID: contactID, Channel: channel}, Partial: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &ContactDetails{Contact: c}, nil
}
