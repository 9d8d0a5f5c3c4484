package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/flowenv"
	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sip"
	"github.com/parley-cc/parley/backend/sqlite"
	"github.com/parley-cc/parley/backend/task"
	"golang.org/x/sync/errgroup"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c common
	var httpAddr string
	var demo bool
	var sessionTTL time.Duration
	var sipf sipFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs)
	sipf.register(fs)
	fs.StringVar(&httpAddr, "http", envOr("PARLEY_HTTP_ADDR", "127.0.0.1:8080"), "address the REST API listens on (port 0 picks a free port); env PARLEY_HTTP_ADDR")
	fs.BoolVar(&demo, "demo", envOr("PARLEY_DEMO", "") == "1", "on first start, seed a demo instance (users, queues, routing profiles, a sample flow); env PARLEY_DEMO=1")
	fs.DurationVar(&sessionTTL, "session-ttl", parley.DefaultSessionTTL, "how long a sign-in lasts")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: parleyd serve [flags]\n\nStarts the backend and serves until interrupted. On the first start of a new data directory it\ncreates the instance: with --demo a demo instance, otherwise one admin user whose random password\nis printed once.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stderr); done {
		return code
	}
	if sessionTTL < time.Minute {
		fmt.Fprintln(stderr, "parleyd serve: --session-ttl must be at least 1m")
		return 2
	}
	logger, err := c.logger(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "parleyd serve:", err)
		return 2
	}
	if err := serve(ctx, c, sipf, httpAddr, demo, sessionTTL, logger, stdout); err != nil {
		logger.Error("parleyd stopped", slog.Any("err", err))
		return 1
	}
	return 0
}

func serve(ctx context.Context, c common, sipf sipFlags, httpAddr string, demo bool, sessionTTL time.Duration, logger *slog.Logger, stdout io.Writer) (err error) {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	db, err := c.openStore(logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil {
			err = fmt.Errorf("close store: %w (after %v)", cerr, err)
		}
	}()
	svc := services(db)
	if err := db.EnsureDefaults(ctx); err != nil {
		return fmt.Errorf("create instance defaults: %w", err)
	}
	firstStart, err := bootstrap(ctx, db, svc, demo, stdout)
	if err != nil {
		return err
	}

	rp, err := newRouting(ctx, db, svc, svc.CTRs, logger)
	if err != nil {
		return err
	}
	svc.Queues = routing.SyncedQueues{QueueService: svc.Queues, Router: rp.router, Logger: logger}
	svc.RoutingProfiles = routing.SyncedRoutingProfiles{RoutingProfileService: svc.RoutingProfiles, Router: rp.router, Logger: logger}
	svc.AgentStatuses = routing.SyncedAgentStatuses{AgentStatusService: svc.AgentStatuses, Router: rp.router, Logger: logger}
	svc.Agents = rp.router
	svc.Realtime = rp.router
	svc.Historical = &routing.HistoricalService{CTRs: sqlite.NewCTRService(db), Events: sqlite.NewAgentEventService(db)}
	svc.Events = rp.hub
	env := flowenv.New(flowenv.Services{Queues: svc.Queues, Users: svc.Users, Hours: svc.Hours, Flows: svc.Flows,
		Prompts: svc.Prompts, Realtime: rp.router, Changes: db})
	env.Logger = logger
	tasks := task.New(rp.router, svc.Contacts, task.StoreFlowSource{Flows: svc.Flows}, env, rp.inbox)
	tasks.Logger = logger
	tasks.Functions = storedFunctions{svc: svc.ExternalFunctions, logger: logger}
	tasks.FlowLogs = svc.FlowLogs
	if tasks.DefaultFlowID, err = flowNamed(ctx, svc, DefaultTaskFlowName); err != nil {
		return err
	}
	svc.Tasks = tasks
	chats := chat.New(rp.router, svc.Contacts, chat.StoreFlowSource{Flows: svc.Flows}, env, sqlite.NewChatTranscripts(db),
		filepath.Join(c.dataDir, "chat-attachments"))
	chats.Logger = logger
	chats.Users, chats.QuickConnects = svc.Users, svc.QuickConnects
	chats.Functions = storedFunctions{svc: svc.ExternalFunctions, logger: logger}
	chats.FlowLogs = svc.FlowLogs
	if chats.DefaultFlowID, err = flowNamed(ctx, svc, DefaultChatFlowName); err != nil {
		return err
	}
	*rp.chat.to = chats
	svc.Chat = chats
	voice, err := newVoice(sipf, c.dataDir, svc, rp, env, tasks, sqlite.NewTrunkService(db), logger)
	if err != nil {
		return err
	}
	svc.Voice = voice.channel
	svc.Agents = sip.AgentSessions{AgentService: rp.router, Voice: voice.channel} // revokes SIP credentials at sign-out

	ln, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", httpAddr, err)
	}
	api := parleyhttp.NewServer(svc)
	api.Logger = logger
	api.SessionTTL = sessionTTL
	api.Version = version
	api.FlowValidator = flowValidator{}
	api.Mount("/v1/chat/", chats.Handler()) // customers: authenticated by their participant token
	api.Mount("/chat/", chats.Handler())    // the web chat widget and its demo page

	// The recorder and the hub outlive the router and the API by a moment, so that what the
	// router emits while it stops is still stored.
	sinkCtx, stopSinks := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSinks()
	sinks, sinkCtx := errgroup.WithContext(sinkCtx)
	sinks.Go(func() error { return stopped(rp.recorder.Run(sinkCtx)) })
	sinks.Go(func() error { return stopped(rp.hub.Run(sinkCtx, rp.pub.Events(), rp.pub.TakeOverflow)) })

	// Telephony stops before the router, so that calls ending at shutdown still reach it.
	sipCtx, stopSIP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSIP()
	frontBase, stopFront := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFront()
	front, frontCtx := errgroup.WithContext(frontBase)
	front.Go(func() error { return stopped(rp.router.Run(frontCtx)) })
	if err := rp.restore(ctx, sqlite.NewCTRService(db), logger); err != nil {
		stopFront()
		ferr := front.Wait()
		stopSinks()
		return errors.Join(err, ferr, sinks.Wait())
	}
	front.Go(func() error { return stopped(tasks.Run(frontCtx)) })
	front.Go(func() error { return stopped(chats.Run(frontCtx)) })
	phones, phonesCtx := errgroup.WithContext(sipCtx)
	phones.Go(func() error { return stopped(voice.server.Run(phonesCtx)) })
	phones.Go(func() error { return stopped(voice.channel.Run(phonesCtx)) })
	// shutdown stops the parts in order: telephony, then the router and the API, then the sinks.
	shutdown := func() error {
		stopSIP()
		perr := phones.Wait()
		stopFront()
		ferr := front.Wait()
		stopSinks()
		return errors.Join(perr, ferr, sinks.Wait())
	}
	select {
	case <-voice.server.Ready():
	case <-phonesCtx.Done():
		return shutdown()
	}
	front.Go(func() error { return stopped(api.Serve(frontCtx, ln)) })

	fmt.Fprintf(stdout, "Parley %s is running.\n  API:       http://%s/v1 (OpenAPI: docs/openapi.json)\n  Events:    ws://%s/v1/events\n  Web chat:  http://%s/chat/\n  SIP:       %s (UDP and TCP)\n  Data:      %s\n",
		version, ln.Addr(), ln.Addr(), ln.Addr(), voice.server.LocalAddr("udp"), c.dataDir)
	if demo {
		printDemoLogins(stdout, firstStart)
	}
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	logger.Info("serving", slog.String("http", ln.Addr().String()), slog.String("data_dir", c.dataDir), slog.Bool("demo", demo))
	select { // until interrupted, or a part fails
	case <-ctx.Done():
	case <-frontCtx.Done():
	case <-phonesCtx.Done():
	}
	return shutdown()
}

// stopped maps the error of a part that stopped because its context ended to nil.
func stopped(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// services builds the domain services over the store.
func services(db *sqlite.DB) parleyhttp.Services {
	return parleyhttp.Services{
		Users:             sqlite.NewUserService(db),
		Sessions:          sqlite.NewSessionService(db),
		SecurityProfiles:  sqlite.NewSecurityProfileService(db),
		AgentStatuses:     sqlite.NewAgentStatusService(db),
		Hours:             sqlite.NewHoursService(db),
		Queues:            sqlite.NewQueueService(db),
		RoutingProfiles:   sqlite.NewRoutingProfileService(db),
		QuickConnects:     sqlite.NewQuickConnectService(db),
		PhoneNumbers:      sqlite.NewPhoneNumberService(db),
		Flows:             sqlite.NewFlowService(db),
		Prompts:           sqlite.NewPromptService(db),
		ExternalFunctions: sqlite.NewExternalFunctionService(db),
		Audit:             sqlite.NewAuditService(db),
		Contacts:          sqlite.NewContactService(db),
		CTRs:              sqlite.NewCTRService(db),
		FlowLogs:          sqlite.NewFlowLogService(db),
	}
}

// bootstrap creates the instance's users on the very first start: the demo instance with
// --demo, otherwise one admin with a random password printed once. It reports whether this was
// the first start.
func bootstrap(ctx context.Context, db *sqlite.DB, svc parleyhttp.Services, demo bool, stdout io.Writer) (bool, error) {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if demo {
		return true, seedDemo(ctx, svc)
	}
	admin, err := findProfile(ctx, svc, parley.ProfileAdmin)
	if err != nil {
		return false, err
	}
	pw := randomPassword()
	u := &parley.User{Username: "admin", FirstName: "Parley", LastName: "Administrator", SecurityProfileIDs: []parley.SecurityProfileID{admin.ID}}
	if err := svc.Users.CreateUser(ctx, u, pw); err != nil {
		return false, fmt.Errorf("create the first admin: %w", err)
	}
	fmt.Fprintf(stdout, "First start: created user \"admin\" with password %s\nThis password is shown once. Change it with: parleyd user passwd --username admin\n", pw)
	return true, nil
}

func findProfile(ctx context.Context, svc parleyhttp.Services, name string) (*parley.SecurityProfile, error) {
	ps, err := svc.SecurityProfiles.FindSecurityProfiles(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, parley.NotFoundf("no security profile named %q", name)
}

// randomPassword returns 20 characters from an unambiguous alphabet (about 100 bits).
func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
