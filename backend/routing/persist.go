package routing

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// StateStore keeps the router's contact records in a parley.RoutingStateStore as JSON. It is the
// ContactStore of a StoreRecorder.
type StateStore struct {
	Store parley.RoutingStateStore
}

var _ ContactStore = StateStore{}

// SaveContactRecord implements ContactStore: the record stays open until the contact completes.
func (s StateStore) SaveContactRecord(ctx context.Context, r ContactRecord) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode contact record: %w", err)
	}
	return s.Store.SaveRoutingContact(ctx, r.Contact.ID, r.Contact.State != parley.ContactCompleted, data)
}

// LoadRestoreInput reads back what a Restore needs: the open contact records, their last
// stored CTRs, and each agent's last event. Unreadable records are skipped and reported.
func (s StateStore) LoadRestoreInput(ctx context.Context, ctrs parley.CTRService) (RestoreInput, []error, error) {
	in := RestoreInput{CTRs: map[parley.ContactID]*parley.CTR{}}
	raw, err := s.Store.FindOpenRoutingContacts(ctx)
	if err != nil {
		return in, nil, err
	}
	var skipped []error
	for _, r := range raw {
		var rec ContactRecord
		if err := json.Unmarshal(r, &rec); err != nil || rec.Contact == nil || rec.Contact.ID == "" {
			skipped = append(skipped, fmt.Errorf("unreadable contact record %.80s: %v", r, err))
			continue
		}
		in.Contacts = append(in.Contacts, rec)
		ctr, err := ctrs.FindCTR(ctx, rec.Contact.ID)
		switch parley.ErrorCodeOf(err) {
		case "":
			in.CTRs[rec.Contact.ID] = ctr
		case parley.ENotFound: // rebuilt from the contact record
		default:
			return in, skipped, err
		}
	}
	if in.LastAgentEvents, err = s.Store.FindLastAgentEvents(ctx); err != nil {
		return in, skipped, err
	}
	return in, skipped, nil
}
