// Command sipbench is the server side of bench/sip/setup-rate.sh: either Parley's SIP server
// answering the demo number with a short prompt (-mode parley), or a bare diago server that
// answers and hangs up (-mode bare). It prints "listening host:port" once ready and runs until
// interrupted.
//
// The directory starts with "_" so that `go ... ./...` (and the import-rules test) skip it:
// it is a benchmark tool, not part of the build.
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
	"strconv"
	"syscall"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sip"
)

func main() {
	mode := flag.String("mode", "parley", "parley (answer, prompt, hang up) or bare (diago: answer, hang up)")
	prompt := flag.Duration("prompt", 200*time.Millisecond, "length of the prompt (parley mode)")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	port := freePort()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	var err error
	switch *mode {
	case "parley":
		err = runParley(ctx, addr, *prompt)
	case "bare":
		err = runBare(ctx, port)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sipbench:", err)
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

func runParley(ctx context.Context, addr string, prompt time.Duration) error {
	a := &sip.Audio{Samples: make([]int16, int(prompt*sip.SampleRate/time.Second))}
	for i := range a.Samples {
		a.Samples[i] = int16(4000 * ((i/10)%2*2 - 1))
	}
	s := sip.NewServer(numbers{}, sip.PromptHandler{Audio: a})
	s.Addr = addr
	s.Transports = []string{"udp"}
	s.MaxCalls = -1
	go func() {
		<-s.Ready()
		fmt.Println("listening", addr)
	}()
	return s.Run(ctx)
}

func runBare(ctx context.Context, port int) error {
	ua, err := sipgo.NewUA()
	if err != nil {
		return err
	}
	defer ua.Close()
	dg := diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: "127.0.0.1", BindPort: port}))
	err = dg.ServeBackground(ctx, func(d *diago.DialogServerSession) {
		if err := d.Answer(); err != nil {
			return
		}
		hctx, cancel := context.WithTimeout(d.Context(), 5*time.Second)
		defer cancel()
		_ = d.Hangup(hctx)
	})
	if err != nil {
		return err
	}
	fmt.Println("listening", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	<-ctx.Done()
	return nil
}
