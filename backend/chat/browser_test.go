package chat_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// chromiumPath is Debian's chromium (make deps installs it); CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestWidgetInBrowser runs the widget in headless Chromium (playwright-core, e2e/widget.mjs)
// against a real chat server: the customer starts a chat, an agent answers through the router,
// they exchange messages, typing and an attachment, the page reloads and the chat resumes
// after the last item without loss or duplicates, and the agent ends it. It fails when node,
// npm or chromium is missing: make deps installs them.
func TestWidgetInBrowser(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing (Debian package nodejs; make deps installs it)")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("chromium is missing at %s (Debian package chromium; make deps installs it): %v", chromiumPath(), err)
	}
	dir, err := filepath.Abs("e2e")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatal("npm is missing (Debian package npm; make deps installs it)")
		}
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}

	w := newWorld(t, 3)
	w.agent("ann")
	cmd := exec.CommandContext(ctx, node, "widget.mjs", w.url)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromiumPath())
	stdin, err := cmd.StdinPipe()
	w.ok(err)
	stdout, err := cmd.StdoutPipe()
	w.ok(err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	w.ok(cmd.Start())
	exited := make(chan error, 1)
	steps := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			steps <- sc.Text()
		}
		close(steps)
		exited <- cmd.Wait()
	}()
	defer func() {
		if t.Failed() {
			t.Logf("browser log:\n%s", stderr.String())
		}
	}()
	step := func(name string) string {
		t.Helper()
		select {
		case line, ok := <-steps:
			if !ok {
				t.Fatalf("the browser script ended before %s: %v\n%s", name, <-exited, stderr.String())
			}
			got, data, _ := strings.Cut(line, " ")
			if got != name {
				t.Fatalf("browser step %q, want %s", line, name)
			}
			return data
		case <-ctx.Done():
			t.Fatalf("no %s from the browser: %v\n%s", name, ctx.Err(), stderr.String())
		}
		return ""
	}
	tell := func(word string) {
		t.Helper()
		if _, err := fmt.Fprintln(stdin, word); err != nil {
			t.Fatal(err)
		}
	}
	bg := context.Background()

	id := parley.ContactID(step("STARTED"))
	w.ok(w.router.Accept(bg, "ann", id))
	w.svc.Sync(bg)
	ann := w.agentStream("ann", id, 0)
	_, err = w.svc.SendChatMessage(bg, "ann", id, "Hello Robin, Ann here.", "")
	w.ok(err)
	tell("ACCEPTED")

	step("SENT")
	ann.untilText("I have a question.")
	w.ok(w.svc.SendChatEvent(bg, "ann", id, parley.ChatEventTyping, 0))
	tell("TYPING")

	step("ATTACHED")
	att := ann.until("attachment", func(it *parley.ChatItem) bool { return it.Type == parley.ChatItemAttachment })
	if att.Attachment.Name != "pixel.png" || att.Attachment.ContentType != "image/png" {
		t.Fatalf("attachment %+v", att.Attachment)
	}
	_, err = w.svc.SendChatMessage(bg, "ann", id, "One more thing.", "")
	w.ok(err)
	tell("MORE")

	step("RELOADED")
	_, err = w.svc.SendChatMessage(bg, "ann", id, "Welcome back.", "")
	w.ok(err)
	tell("AFTER")

	step("BYE")
	ann.untilText("Thanks, bye!")
	w.ok(w.svc.EndChat(bg, "ann", id))
	tell("ENDED")

	step("DONE")
	stdin.Close()
	if err := <-exited; err != nil {
		t.Fatalf("browser script: %v\n%s", err, stderr.String())
	}
	tr, err := w.svc.ChatTranscript(bg, parley.ChatViewer{UserID: "ann"}, id)
	w.ok(err)
	var texts []string
	for _, it := range tr.Items {
		if it.Type == parley.ChatItemMessage {
			texts = append(texts, it.Content)
		}
	}
	want := "Hello Robin, Ann here.|I have a question.|One more thing.|Welcome back.|Thanks, bye!"
	if strings.Join(texts, "|") != want {
		t.Fatalf("transcript messages %q, want %s", texts, want)
	}
}
