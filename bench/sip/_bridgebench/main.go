// Command bridgebench is the server side of bench/sip/bridged.sh, the concurrent bridged-call
// benchmark. Modes:
//
//   - agent: a softphone that answers every INVITE and echoes the caller's RTP back;
//   - parley: Parley's SIP server (package sip) answering the demo number: it starts a stereo
//     recording, dials the agent (-agent) and bridges the two legs through Parley's media path
//     (G.711 decode, recording tap, re-encode) until one side hangs up;
//   - bare: a bare diago server that answers, dials the agent and joins the two dialogs with
//     diago.Bridge (RTP proxied as is, no recording): the baseline.
//
// It prints "listening host:port" once ready and runs until interrupted. The flow engine and
// the router are not in the path (they act once per call, at set-up; the media path is what
// scales with concurrent calls).
//
// The directory starts with "_" so that `go ... ./...` skips it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	sipgosip "github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sip"
)

func main() {
	mode := flag.String("mode", "parley", "agent, parley or bare")
	agent := flag.String("agent", "", "the agent's SIP URI (parley and bare modes)")
	recDir := flag.String("recordings", os.TempDir(), "recordings directory (parley mode)")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	port := freePort()
	var err error
	switch *mode {
	case "agent":
		err = runAgent(ctx, port)
	case "parley":
		err = runParley(ctx, port, *agent, *recDir)
	case "bare":
		err = runBare(ctx, port, *agent)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bridgebench:", err)
		os.Exit(1)
	}
}

func freePort() int {
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.LocalAddr().(*net.UDPAddr).Port
}

func listening(port int) { fmt.Println("listening", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))) }

func newDiago(port int) (*diago.Diago, *sipgo.UserAgent, error) {
	ua, err := sipgo.NewUA()
	if err != nil {
		return nil, nil, err
	}
	return diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: "127.0.0.1", BindPort: port})), ua, nil
}

// runAgent answers and echoes every RTP payload back until the call ends.
func runAgent(ctx context.Context, port int) error {
	dg, ua, err := newDiago(port)
	if err != nil {
		return err
	}
	defer ua.Close()
	err = dg.ServeBackground(ctx, func(d *diago.DialogServerSession) {
		if err := d.Answer(); err != nil {
			return
		}
		r, err := d.AudioReader()
		if err != nil {
			return
		}
		w, err := d.AudioWriter()
		if err != nil {
			return
		}
		buf := make([]byte, media.RTPBufSize)
		for {
			n, err := r.Read(buf)
			if err != nil {
				return
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	listening(port)
	<-ctx.Done()
	return nil
}

type numbers struct{}

func (numbers) FindPhoneNumberByID(context.Context, parley.PhoneNumberID) (*parley.PhoneNumber, error) {
	return nil, parley.NotFoundf("no")
}
func (numbers) FindPhoneNumbers(_ context.Context, f parley.PhoneNumberFilter) ([]*parley.PhoneNumber, error) {
	if f.Number == sip.DemoNumber {
		return []*parley.PhoneNumber{{ID: "demo", Number: sip.DemoNumber, FlowID: "demo"}}, nil
	}
	return nil, nil
}
func (numbers) CreatePhoneNumber(context.Context, *parley.PhoneNumber) error  { return nil }
func (numbers) UpdatePhoneNumber(context.Context, *parley.PhoneNumber) error  { return nil }
func (numbers) DeletePhoneNumber(context.Context, parley.PhoneNumberID) error { return nil }

func runParley(ctx context.Context, port int, agent, recDir string) error {
	var s *sip.Server
	n := 0
	handler := sip.CallHandlerFunc(func(ctx context.Context, c *sip.Call) {
		if err := c.Answer(); err != nil {
			return
		}
		out, err := s.Dial(ctx, agent, sip.DialOptions{FromUser: c.From})
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial agent:", err)
			_ = c.Hangup(context.Background())
			return
		}
		defer out.Close()
		n++
		path := filepath.Join(recDir, fmt.Sprintf("%s.wav", sipgosip.GenerateTagN(12)))
		if _, err := c.StartRecording(path, sip.RecordingOptions{}); err != nil {
			fmt.Fprintln(os.Stderr, "record:", err)
		}
		_, _ = c.Bridge(ctx, out)
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = out.Hangup(hctx)
		_ = c.StopRecording()
		_ = os.Remove(path)
	})
	s = sip.NewServer(numbers{}, handler)
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.Transports = []string{"udp"}
	s.MaxCalls = -1
	go func() {
		<-s.Ready()
		listening(port)
	}()
	return s.Run(ctx)
}

func runBare(ctx context.Context, port int, agent string) error {
	dg, ua, err := newDiago(port)
	if err != nil {
		return err
	}
	defer ua.Close()
	var uri sipgosip.Uri
	if err := sipgosip.ParseUri(agent, &uri); err != nil {
		return fmt.Errorf("agent uri: %w", err)
	}
	err = dg.ServeBackground(ctx, func(in *diago.DialogServerSession) {
		if err := in.Answer(); err != nil {
			return
		}
		b := diago.NewBridge()
		if err := b.AddDialogSession(in); err != nil {
			return
		}
		out, err := dg.InviteBridge(in.Context(), uri, &b, diago.InviteOptions{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial agent:", err)
			return
		}
		defer out.Close()
		select {
		case <-in.Context().Done():
		case <-out.Context().Done():
		}
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = out.Hangup(hctx)
		_ = in.Hangup(hctx)
	})
	if err != nil {
		return err
	}
	listening(port)
	<-ctx.Done()
	return nil
}
