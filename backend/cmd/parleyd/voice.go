package main

import (
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parley-cc/parley/backend/flow"
	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sip"
	"github.com/parley-cc/parley/backend/task"
)

// sipFlags configure telephony.
type sipFlags struct {
	addr          string
	externalHost  string
	rtpPorts      string
	recordingsDir string
	maxCalls      int
}

func (f *sipFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "sip", envOr("PARLEY_SIP_ADDR", sip.DefaultAddr), "address SIP listens on, UDP and TCP (port 0 picks a free port); env PARLEY_SIP_ADDR")
	fs.StringVar(&f.externalHost, "sip-external-host", envOr("PARLEY_SIP_EXTERNAL_HOST", ""), "host or IP advertised in SIP and SDP when behind NAT; env PARLEY_SIP_EXTERNAL_HOST")
	fs.StringVar(&f.rtpPorts, "rtp-ports", envOr("PARLEY_RTP_PORTS", ""), "RTP port range MIN-MAX, e.g. 10000-20000 (default: any free port); env PARLEY_RTP_PORTS")
	fs.StringVar(&f.recordingsDir, "recordings-dir", "", "where call recordings go (default: DATA-DIR/recordings)")
	fs.IntVar(&f.maxCalls, "max-calls", 0, "concurrent inbound calls before new ones get 503 (0: the default)")
}

func (f *sipFlags) rtpRange() (int, int, error) {
	if f.rtpPorts == "" {
		return 0, 0, nil
	}
	lo, hi, ok := strings.Cut(f.rtpPorts, "-")
	min, err1 := strconv.Atoi(lo)
	max, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || min < 1024 || max > 65535 || max-min < 2 {
		return 0, 0, fmt.Errorf("--rtp-ports %q: use MIN-MAX with 1024 <= MIN < MAX <= 65535, e.g. 10000-20000", f.rtpPorts)
	}
	return min, max, nil
}

// voiceParts are the SIP server and the voice channel on it.
type voiceParts struct {
	server  *sip.Server
	channel *sip.VoiceChannel
}

// newVoice builds telephony: recordings left by a crash are repaired first.
// trunks are the SIP trunks outbound calls and callbacks go through (the API's /v1/trunks
// finds them through the voice channel).
func newVoice(f sipFlags, dataDir string, svc parleyhttp.Services, rp *routingParts, env flow.Env, tasks *task.Service, trunks parley.TrunkService, logger *slog.Logger) (*voiceParts, error) {
	rtpMin, rtpMax, err := f.rtpRange()
	if err != nil {
		return nil, err
	}
	recDir := f.recordingsDir
	if recDir == "" {
		recDir = filepath.Join(dataDir, "recordings")
	}
	if fixed, err := sip.RecoverRecordings(recDir); err != nil {
		return nil, fmt.Errorf("recover recordings: %w", err)
	} else if len(fixed) > 0 {
		logger.Info("repaired recordings cut short by a stop", slog.Int("files", len(fixed)))
	}
	srv := sip.NewServer(svc.PhoneNumbers, nil)
	srv.Addr, srv.ExternalHost, srv.MaxCalls = f.addr, f.externalHost, f.maxCalls
	srv.RTPPortMin, srv.RTPPortMax = rtpMin, rtpMax
	srv.Registrar = &sip.Registrar{}
	srv.Logger = logger
	ch := sip.NewVoiceChannel(srv, sip.VoiceServices{
		Router: rp.router, Contacts: svc.Contacts, FlowLogs: svc.FlowLogs, Env: env, Inbox: rp.voiceInbox,
		Prompts: &sip.PromptSource{CacheDir: filepath.Join(dataDir, "prompt-cache"), AudioDir: dataDir}})
	ch.RecordingsDir, ch.RecordingsBase = recDir, dataDir
	ch.PromptStore, ch.QuickConnects = svc.Prompts, svc.QuickConnects
	ch.Functions = storedFunctions{svc: svc.ExternalFunctions, logger: logger}
	ch.Tasks = tasks
	ch.Trunks = trunks
	ch.Logger = logger
	return &voiceParts{server: srv, channel: ch}, nil
}
