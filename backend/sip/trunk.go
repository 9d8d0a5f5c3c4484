package sip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/parley"
)

// DialTrunk calls number through trunk t with callerID as the caller (both written in the
// trunk's NumberFormat) and returns once the called party answers (RFC 3261 §13; a 401/407
// challenge is answered with the trunk's digest credentials, §22). The INVITE goes to
// sip:<number>@<host>:<port> over the trunk's transport: udp and tcp always, tls only when the
// server has a TLS transport. The caller owns the returned call: Hangup and Close it.
func (s *Server) DialTrunk(ctx context.Context, t *parley.Trunk, number, callerID string, headers ...sip.Header) (*OutboundCall, error) {
	s.mu.Lock()
	dg := s.dg
	s.mu.Unlock()
	if dg == nil {
		return nil, errors.New("dial trunk: server not running")
	}
	target := sip.Uri{Scheme: "sip", User: t.Format(number), Host: t.Host, Port: t.Port}
	if target.Port == 0 {
		target.Port = 5060
	}
	hostport := net.JoinHostPort(t.Host, strconv.Itoa(target.Port))
	inv := diago.InviteOptions{Transport: string(t.Transport), Username: t.Username, Password: t.Password, Headers: append([]sip.Header{}, headers...)}
	if inv.Transport == "" {
		inv.Transport = string(parley.TrunkUDP)
	}
	if callerID != "" {
		inv.Headers = append(inv.Headers, &sip.FromHeader{
			Address: sip.Uri{Scheme: "sip", User: t.Format(callerID), Host: t.Host},
			Params:  sip.NewParams(),
		})
	}
	d, err := dg.Invite(ctx, target, inv)
	if err != nil {
		return nil, fmt.Errorf("dial %s via trunk %q (%s): %w", number, t.Name, hostport, err)
	}
	l, err := newLeg(&d.DialogMedia, s.logger())
	if err != nil {
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return nil, errors.Join(fmt.Errorf("dial %s via trunk %q: %w", number, t.Name, err), d.Hangup(hctx), d.Close())
	}
	l.start()
	return &OutboundCall{dialog: d, leg: l}, nil
}
