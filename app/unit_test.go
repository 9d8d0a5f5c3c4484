package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/audio"
	"github.com/parley-cc/parley/backend/api"
)

// TestStreamResumesAfterResyncAndStopsOnExpiry runs the Stream against a scripted websocket
// server: events, a "resync" (reconnect with after=), a dropped connection (reconnect with
// after=<last seq>), then a 401 (the session expired: Run ends).
func TestStreamResumesAfterResyncAndStopsOnExpiry(t *testing.T) {
	var mu sync.Mutex
	var afters []string
	conns := 0
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns++
		n := conns
		afters = append(afters, r.URL.Query().Get("after"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("connection %d: Authorization %q", n, r.Header.Get("Authorization"))
		}
		if n == 4 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		switch n {
		case 1:
			_ = c.WriteJSON(api.Event{Type: "agent", Seq: 5, Agent: &api.AgentEvent{AgentID: "a"}})
			_ = c.WriteJSON(api.Event{Type: "resync", Seq: 9})
		case 2:
			_ = c.WriteJSON(api.Event{Type: "contact", Seq: 12, Contact: &api.ContactEvent{ContactID: "c"}})
			// then drop the connection
		case 3:
			_ = c.WriteJSON(api.Event{Type: "contact", Seq: 13, Contact: &api.ContactEvent{ContactID: "d"}})
		}
		time.Sleep(50 * time.Millisecond)
	}))
	defer srv.Close()

	var seqs []int64
	var states []string
	resyncs := 0
	s := &Stream{
		BaseURL: srv.URL, Token: "tok",
		Backoff:  func(int) time.Duration { return 10 * time.Millisecond },
		OnEvent:  func(ev api.Event) { seqs = append(seqs, ev.Seq) },
		OnState:  func(c Connection) { states = append(states, c.State) },
		OnResync: func() { resyncs++ },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Run(ctx); err != ErrSessionExpired {
		t.Fatalf("Run = %v, want ErrSessionExpired", err)
	}
	if got := strings.Join(afters, ","); got != "0,9,12,13" {
		t.Errorf("after= of each connection: %s, want 0,9,12,13", got)
	}
	if len(seqs) != 3 || seqs[0] != 5 || seqs[1] != 12 || seqs[2] != 13 {
		t.Errorf("events seen: %v", seqs)
	}
	if resyncs < 2 { // the resync message, then each reconnection
		t.Errorf("resyncs = %d", resyncs)
	}
	if states[len(states)-1] != "expired" || !strings.Contains(strings.Join(states, ","), "lost") {
		t.Errorf("states = %v", states)
	}
}

func TestOfferNotificationAndActions(t *testing.T) {
	a, rt := newTestApp(t)
	var accepted []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accepted = append(accepted, r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	s := &session{client: &api.Client{BaseURL: srv.URL, Token: "x"}, notified: map[string]bool{},
		info: SessionInfo{User: api.User{ID: "me"}}, dir: &Directory{Queues: map[string]string{"q1": "Sales"}}}
	a.sess = s
	offer := api.Event{Type: "contact", Seq: 7, Contact: &api.ContactEvent{Type: "OFFERED", ContactID: "c1", Channel: "VOICE", QueueID: "q1", AgentID: "me"}}
	a.onEvent(s, offer)
	a.onEvent(s, offer) // the same offer replayed: one notification
	other := offer
	other.Contact = &api.ContactEvent{Type: "OFFERED", ContactID: "c2", Channel: "CHAT", AgentID: "someone else"}
	a.onEvent(s, other)
	again := offer
	again.Seq = 9 // offered again after a reject: a new notification
	a.onEvent(s, again)
	if len(rt.notes) != 2 || rt.notes[0].ID != "c1" || !strings.Contains(rt.notes[0].Body, "Sales") || rt.notes[0].Title != "Incoming voice contact" {
		t.Fatalf("notifications = %+v", rt.notes)
	}
	a.handleNotificationAction(NotificationAction{ID: "c1", Action: "accept"})
	a.handleNotificationAction(NotificationAction{ID: "c1", Action: "reject"})
	if strings.Join(accepted, ",") != "POST /v1/agent/contacts/c1/accept,POST /v1/agent/contacts/c1/reject" {
		t.Errorf("calls = %v", accepted)
	}
	a.sess = nil
}

// fakeAudio is an audio.System of file devices: what is played is kept, capture is a tone.
type fakeAudio struct {
	mu     sync.Mutex
	played bytes.Buffer
	opened []audio.Config
}

func (f *fakeAudio) Devices() ([]audio.DeviceInfo, error) {
	return []audio.DeviceInfo{{Name: "Headset", MaxInputChannels: 1, MaxOutputChannels: 2, DefaultInput: true, DefaultOutput: true}}, nil
}

func (f *fakeAudio) Open(c audio.Config) (audio.Device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, c)
	tone := audio.Tone{Freq: 440, Amplitude: 0.5, Rate: audio.DeviceRate}
	pcm := make([]int16, audio.DeviceRate)
	tone.Fill(pcm)
	var in bytes.Buffer
	_ = (&audio.FileDevice{Out: &in, Frame: len(pcm)}).Write(pcm)
	return &audio.FileDevice{In: &in, Out: &f.played, Realtime: true}, nil
}

func TestAudioBindings(t *testing.T) {
	a, rt := newTestApp(t)
	fa := &fakeAudio{}
	a.Audio = fa
	devs, err := a.AudioDevices()
	if err != nil || len(devs) != 1 || devs[0].Name != "Headset" {
		t.Fatalf("AudioDevices = %+v, %v", devs, err)
	}
	if err := a.PlayTestTone("Headset"); err != nil {
		t.Fatal(err)
	}
	if fa.played.Len() != 2*audio.DeviceRate { // one second of 48 kHz 16-bit
		t.Errorf("test tone: %d bytes played", fa.played.Len())
	}
	if err := a.StartLevelMeter(""); err != nil {
		t.Fatal(err)
	}
	e := rt.waitEvent(t, 5*time.Second, "a level", func(e emitted) bool { return e.Name == EventAudioLevel })
	var l audio.Level
	if err := json.Unmarshal(e.Data, &l); err != nil || l.RMS < -12 || l.RMS > -6 {
		t.Errorf("level = %s (%v), want about -9 dBFS", e.Data, err)
	}
	if err := a.StopLevelMeter(); err != nil {
		t.Fatal(err)
	}
	if !fa.opened[0].Playback || fa.opened[0].Output != "Headset" || !fa.opened[1].Capture {
		t.Errorf("opened %+v", fa.opened)
	}
	st, err := a.SaveAudioSettings(AudioSettings{Microphone: "Headset", Speaker: "Headset", Ringer: "Speakers"})
	if err != nil || st.Audio.Ringer != "Speakers" {
		t.Errorf("SaveAudioSettings = %+v, %v", st, err)
	}
	if sp, _ := a.SoftphoneStatus(); sp.Available || sp.Reason == "" {
		t.Errorf("softphone = %+v, want unavailable with a reason", sp)
	}
}
