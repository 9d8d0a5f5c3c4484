package http

import (
	"context"
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func init() { channelRouteSets = append(channelRouteSets, (*Server).trunkRoutes) }

// TrunkStore is implemented by a voice service that manages SIP trunks (sip.VoiceChannel
// returns its Trunks). Services has no field of its own for trunks: the trunk routes find the
// store through Services.Voice and answer 503 without one.
type TrunkStore interface {
	TrunkStore() parley.TrunkService
}

func (s *Server) trunkService() (parley.TrunkService, error) {
	if ts, ok := s.svc.Voice.(TrunkStore); ok {
		if t := ts.TrunkStore(); t != nil {
			return t, nil
		}
	}
	return nil, parley.Errorf(parley.EUnavailable, "the voice channel is not running or has no trunk store")
}

// trunkRoutes are /v1/trunks: a CRUD resource guarded by the phone number permissions
// (PhoneNumbers.View/Claim/Edit/Release; there are no Trunks.* permissions yet). The password
// is write-only.
func (s *Server) trunkRoutes() []route {
	withTrunks := func(f func(parley.TrunkService) error) error {
		ts, err := s.trunkService()
		if err != nil {
			return err
		}
		return f(ts)
	}
	res := &resource[api.Trunk, parley.Trunk, parley.TrunkID]{
		name: "trunk", path: "/v1/trunks", tag: "voice",
		view: parley.PermPhoneNumbersView, create: parley.PermPhoneNumbersClaim, edit: parley.PermPhoneNumbersEdit, delete: parley.PermPhoneNumbersRelease,
		list: func(ctx context.Context) (out []*parley.Trunk, err error) {
			err = withTrunks(func(ts parley.TrunkService) error { out, err = ts.FindTrunks(ctx); return err })
			return out, err
		},
		find: func(ctx context.Context, id parley.TrunkID) (out *parley.Trunk, err error) {
			err = withTrunks(func(ts parley.TrunkService) error { out, err = ts.FindTrunkByID(ctx, id); return err })
			return out, err
		},
		add: func(ctx context.Context, t *parley.Trunk) error {
			return withTrunks(func(ts parley.TrunkService) error { return ts.CreateTrunk(ctx, t) })
		},
		update: func(ctx context.Context, t *parley.Trunk) error {
			return withTrunks(func(ts parley.TrunkService) error { return ts.UpdateTrunk(ctx, t) })
		},
		remove: func(ctx context.Context, id parley.TrunkID) error {
			return withTrunks(func(ts parley.TrunkService) error { return ts.DeleteTrunk(ctx, id) })
		},
		setID:  func(d *parley.Trunk, id parley.TrunkID) { d.ID = id },
		idOf:   func(d *parley.Trunk) parley.TrunkID { return d.ID },
		redact: func(w *api.Trunk) { w.Password = "" },
	}
	rs := res.routes()
	for i := range rs {
		rs[i].Statuses = append(rs[i].Statuses, http.StatusServiceUnavailable)
	}
	return rs
}
