package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// runACWScenario is the child process of TestCTRSurvivesKillDuringACW: on the demo instance in
// PARLEYD_TEST_DATA it runs the router as serve wires it, lets agent1 take a chat that then
// ends, prints "IN_ACW <contact id>" once the partial record is stored, and waits to be killed.
func runACWScenario() {
	if err := acwScenario(os.Getenv("PARLEYD_TEST_DATA")); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	select {} // killed by the test
}

func acwScenario(dataDir string) error {
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	c := common{dataDir: dataDir}
	db, err := c.openStore(logger)
	if err != nil {
		return err
	}
	svc := services(db)
	inACW := make(chan struct{})
	rp, err := newRouting(ctx, db, svc, ctrSaved{svc.CTRs, func(r *parley.CTR) {
		if r.DisconnectTimestamp != nil && r.Agent != nil && r.Agent.AfterContactWorkStartTimestamp != nil {
			close(inACW)
		}
	}}, logger)
	if err != nil {
		return err
	}
	go rp.router.Run(ctx)
	go rp.recorder.Run(ctx)
	users, err := svc.Users.FindUsers(ctx, parley.UserFilter{Username: "agent1"})
	if err != nil || len(users) != 1 {
		return fmt.Errorf("agent1: %v", err)
	}
	agent := users[0]
	if _, err := rp.router.StartAgentSession(ctx, agent); err != nil {
		return err
	}
	statuses, err := svc.AgentStatuses.FindAgentStatuses(ctx)
	if err != nil {
		return err
	}
	for _, s := range statuses {
		if s.Type == parley.StatusRoutable {
			if _, err := rp.router.SetAgentStatus(ctx, agent.ID, s.ID); err != nil {
				return err
			}
		}
	}
	id := parley.ContactID("crash-chat-1")
	contact := &parley.Contact{ID: id, Channel: parley.ChannelChat, InitiationMethod: parley.InitAPI,
		CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointChat, Address: "Pat"}, Attributes: map[string]string{"order": "42"}}
	if _, err := rp.router.Enqueue(ctx, routing.EnqueueRequest{Contact: contact, QueueID: routing.AgentQueueID(agent.ID)}); err != nil {
		return err
	}
	for _, step := range []func() error{
		func() error { return rp.router.Accept(ctx, agent.ID, id) },
		func() error { return rp.router.Connected(ctx, id) },
		func() error { return rp.router.Disconnect(ctx, id, parley.DisconnectCustomer) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	// The recorder writes from its own goroutine: wait until the partial record is stored.
	select {
	case <-inACW:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the partial record of the ended contact was not stored")
	}
	fmt.Println("IN_ACW", id)
	return nil
}

// ctrSaved calls saved after each record is stored.
type ctrSaved struct {
	parley.CTRService
	saved func(*parley.CTR)
}

func (c ctrSaved) SaveCTR(ctx context.Context, r *parley.CTR) error {
	if err := c.CTRService.SaveCTR(ctx, r); err != nil {
		return err
	}
	c.saved(r)
	return nil
}

func TestCTRSurvivesKillDuringACW(t *testing.T) {
	dir := t.TempDir()
	// Create the demo instance, then stop.
	startParleyd(t, dir, "--demo").stop(t)

	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), "PARLEYD_TEST_SCENARIO=acw", "PARLEYD_TEST_DATA="+dir)
	child.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "IN_ACW ") {
		_ = child.Process.Kill()
		_ = child.Wait()
		t.Fatalf("scenario: %q", line)
	}
	id := strings.TrimSpace(strings.TrimPrefix(line, "IN_ACW "))
	// Kill the process while the agent is in after-contact work.
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	go io.Copy(io.Discard, out)

	p := startParleyd(t, dir, "--demo")
	defer p.stop(t)
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(context.Background(), "admin", "admin-demo"); err != nil {
		t.Fatal(err)
	}
	var r api.CTR
	must(t, c.Do(context.Background(), "GET", "/v1/contacts/"+id+"/record", nil, &r))
	switch {
	case r.Channel != "CHAT" || r.DisconnectReason != "CUSTOMER_DISCONNECT" || r.DisconnectTimestamp == nil:
		t.Fatalf("record lost its end: %+v", r)
	case r.Agent == nil || r.Agent.Username != "agent1" || r.Agent.ConnectedToAgentTimestamp == nil || r.Agent.AfterContactWorkStartTimestamp == nil:
		t.Fatalf("record lost its agent part: %+v", r.Agent)
	case r.Queue == nil || r.Attributes["order"] != "42":
		t.Fatalf("record lost its queue or attributes: %+v", r)
	}
	// The restarted router closed the contact: the agent is not stuck in after-contact work.
	var agents api.List[api.LiveAgent]
	must(t, c.Do(context.Background(), "GET", "/v1/agents", nil, &agents))
	if len(agents.Items) != 0 {
		t.Fatalf("agents still logged in after the restart: %+v", agents.Items)
	}
}
