package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cc/parley/audio"
	"github.com/parley-cc/parley/backend/api"
)

// TestVoiceCallThroughTheSoftphone is a voice contact end to end through the app: a real
// parleyd (demo instance); the app signs in as agent1, whose SIPPhone registers with the
// credentials of GET /v1/agent/sip; agent1 goes Available; sipp calls the demo number, presses
// 1 (Sales) with sipp's RFC 4733 pcap, and plays a 1 kHz tone (a generated PCMA pcap). The
// backend offers the contact, the phone rings, AcceptContact answers it. Audio flows both ways
// through real PortAudio streams on a private PulseAudio: the caller's tone reaches the speaker
// (captured from the speaker sink's monitor), and a 700 Hz tone played into the microphone
// (another null sink, whose monitor is the default source) reaches the backend's recording of
// the agent's side. Then hold and resume, hang up through the app, after-contact work, clear.
// Needs: sipp (sip-tester), pulseaudio, pulseaudio-utils (pactl, pacat, parec),
// libasound2-plugins, espeak-ng (the demo's prompts).
func TestVoiceCallThroughTheSoftphone(t *testing.T) {
	for _, tool := range []string{"sipp", "pacat", "parec", "espeak-ng"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install sip-tester pulseaudio-utils espeak-ng): %v", tool, err)
		}
	}
	if _, err := os.Stat("/usr/share/sip-tester/dtmf_2833_1.pcap"); err != nil {
		t.Fatalf("sipp's DTMF pcaps are missing (apt-get install sip-tester): %v", err)
	}
	parleydBinary(t) // before headlessPulse changes HOME (Go's caches live there)
	headlessPulse(t)
	b := startBackend(t)
	a, rt := newTestApp(t)
	pa := &audio.PortAudio{}
	a.Audio = pa
	t.Cleanup(func() { _ = pa.Close() })
	start := time.Now()

	// the speaker side: everything played on the default sink (speaker and ringer)
	spk := record(t, "parley_spk.monitor")
	// the microphone side: the agent "speaks" a 700 Hz tone for the whole test
	speak(t, "parley_mic", 700)

	if _, err := a.SignIn(b.URL, "agent1", "agent1-demo"); err != nil {
		t.Fatal(err)
	}
	rt.waitEvent(t, 15*time.Second, "the softphone registered", isPhone(func(s SoftphoneState) bool { return s.Registered }))
	sts, err := a.AgentStatuses()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStatus(statusID(t, sts, "Available")); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	tonePcap := filepath.Join(dir, "tone.pcap")
	writeTonePcap(t, tonePcap, 1000, 20*time.Second)
	scenarioXML, err := os.ReadFile("../backend/sip/testdata/sipp/uac_voice_wait_bye.xml")
	if err != nil {
		t.Fatal(err)
	}
	middle := `<pause milliseconds="1500"/>
<nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_1.pcap"/></action></nop>
<pause milliseconds="500"/>
<nop><action><exec play_pcap_audio="` + tonePcap + `"/></action></nop>
`
	sc := filepath.Join(dir, "caller.xml")
	if err := os.WriteFile(sc, []byte(strings.Replace(string(scenarioXML), "<!--MIDDLE-->", middle, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	sippDone := make(chan error, 1)
	var sippOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sipp := exec.CommandContext(ctx, "sipp", b.SIPAddr, "-sf", sc, "-s", "+15555550100", "-m", "1",
		"-i", "127.0.0.1", "-p", fmt.Sprint(freeUDP(t)), "-mp", fmt.Sprint(freeUDP(t)), "-timeout", "50s", "-timeout_error", "-nostdin")
	sipp.Dir = dir
	sipp.Stdout, sipp.Stderr = &sippOut, &sippOut
	if err := sipp.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { sippDone <- sipp.Wait() }()
	defer func() {
		if sipp.ProcessState == nil {
			_ = sipp.Process.Kill()
			<-sippDone
		}
	}()

	// the INVITE rings on the phone, with the contact's ID
	e := rt.waitEvent(t, 20*time.Second, "the phone ringing", isPhone(func(s SoftphoneState) bool { return s.Call == CallRinging }))
	var ringing SoftphoneState
	_ = json.Unmarshal(e.Data, &ringing)
	id := ringing.ContactID
	if id == "" {
		t.Fatalf("ringing without a contact ID: %s", e.Data)
	}
	la, err := a.Agent()
	if err != nil {
		t.Fatal(err)
	}
	if c := contactOf(la, id); c == nil || c.State != "INCOMING" || c.Channel != "VOICE" {
		t.Fatalf("the ringing contact %s is not an incoming voice contact of agent1: %+v", id, la.Snapshot)
	}
	time.Sleep(500 * time.Millisecond) // let it ring
	if err := a.AcceptContact(id); err != nil {
		t.Fatalf("AcceptContact: %v", err)
	}
	connectedAt := time.Now()
	waitContact(t, a, id, "CONNECTED")
	if st := a.softphone().State(); st.Call != CallConnected || st.ContactID != id || st.AnsweredAt == nil {
		t.Errorf("softphone after answering: %+v", st)
	}
	rt.waitEvent(t, 5*time.Second, "the call's microphone level", func(e emitted) bool { return e.Name == EventCallLevel })

	// the caller's 1 kHz tone on the speaker
	time.Sleep(4 * time.Second)
	heard := spk.toneFramesSince(connectedAt, 1000, 700)
	t.Logf("the speaker played %d frames (20 ms) of the caller's 1 kHz tone in the first 4 s", heard)
	if heard < 50 {
		t.Errorf("the speaker played %d frames of the caller's tone, want at least 50 (1 s of 4 s)", heard)
	}

	// mute (local), hold and resume (the backend)
	if st, err := a.MuteCall(true); err != nil || !st.Muted {
		t.Errorf("MuteCall(true) = %+v, %v", st, err)
	}
	if st, err := a.MuteCall(false); err != nil || st.Muted {
		t.Errorf("MuteCall(false) = %+v, %v", st, err)
	}
	if err := a.HoldCall(id); err != nil {
		t.Fatalf("HoldCall: %v", err)
	}
	waitContact(t, a, id, "CONNECTED_ONHOLD")
	if err := a.HoldCall(id); codeOf(err) != "conflict" {
		t.Errorf("hold twice: %v, want conflict", err)
	}
	if err := a.ResumeCall(id); err != nil {
		t.Fatalf("ResumeCall: %v", err)
	}
	waitContact(t, a, id, "CONNECTED")
	time.Sleep(time.Second)

	// hang up through the app: after-contact work, the phone's call ends, the caller gets BYE
	if err := a.HangupCall(id); err != nil {
		t.Fatalf("HangupCall: %v", err)
	}
	waitContact(t, a, id, "ENDED")
	rt.waitEvent(t, 10*time.Second, "the phone's call ended", isPhone(func(s SoftphoneState) bool { return s.Call == "" && s.Registered }))
	select {
	case err := <-sippDone:
		if err != nil {
			t.Fatalf("sipp: %v\n%s", err, sippOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("sipp did not end after the hang-up:\n%s", sippOut.String())
	}
	if err := a.ClearContact(id); err != nil {
		t.Fatalf("ClearContact: %v", err)
	}
	if la, err := a.Agent(); err != nil || contactOf(la, id) != nil {
		t.Errorf("after clearing: %+v, %v", la, err)
	}

	// the agent's side of the recording carries the microphone's 700 Hz tone
	admin := b.client(t, "admin", "admin-demo")
	var ctr api.CTR
	if err := admin.Do(context.Background(), http.MethodGet, "/v1/contacts/"+id+"/record", nil, &ctr); err != nil {
		t.Fatal(err)
	}
	if ctr.Recording == nil || ctr.Recording.Location == "" || ctr.DisconnectReason != "AGENT_DISCONNECT" {
		t.Fatalf("CTR recording %+v, reason %q", ctr.Recording, ctr.DisconnectReason)
	}
	if ctr.Agent == nil || ctr.Agent.NumberOfHolds != 1 {
		t.Errorf("CTR agent %+v: want one hold", ctr.Agent)
	}
	left, right := readStereoWAV(t, filepath.Join(b.dataDir, filepath.FromSlash(ctr.Recording.Location)))
	agentTone := toneFrames(right, 700, 1000, audio.PhoneRate)
	callerTone := toneFrames(left, 1000, 700, audio.PhoneRate)
	t.Logf("recording: %.1f s; agent side %d frames of 700 Hz, caller side %d frames of 1 kHz", float64(len(right))/audio.PhoneRate, agentTone, callerTone)
	if agentTone < 50 {
		t.Errorf("the agent's side of the recording has %d frames of the microphone's 700 Hz tone, want at least 50", agentTone)
	}
	if callerTone < 50 {
		t.Errorf("the caller's side of the recording has %d frames of 1 kHz, want at least 50", callerTone)
	}
	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	if st := a.softphone().State(); st.Available || st.Registered {
		t.Errorf("softphone after sign-out: %+v", st)
	}
	t.Logf("the call took %.1f s", time.Since(start).Seconds())
}

func isPhone(match func(SoftphoneState) bool) func(emitted) bool {
	return func(e emitted) bool {
		var s SoftphoneState
		return e.Name == EventSoftphone && json.Unmarshal(e.Data, &s) == nil && match(s)
	}
}

func contactOf(la *api.LiveAgent, id string) *api.AgentContactSnapshot {
	if la == nil || la.Snapshot == nil {
		return nil
	}
	for i := range la.Snapshot.Contacts {
		if la.Snapshot.Contacts[i].ContactID == id {
			return &la.Snapshot.Contacts[i]
		}
	}
	return nil
}

// waitContact polls GET /v1/agent until the contact is in state.
func waitContact(t *testing.T, a *App, id, state string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last *api.LiveAgent
	for time.Now().Before(deadline) {
		la, err := a.Agent()
		if err == nil {
			last = la
			if c := contactOf(la, id); c != nil && c.State == state {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("contact %s did not reach %s in 15 s: %+v", id, state, last)
}

// headlessPulse starts a private PulseAudio with two null sinks at 48 kHz: parley_spk, the
// default sink (the app's speaker and ringer; the test records its monitor), and parley_mic,
// whose monitor is the default source (the app's microphone; the test plays into the sink).
func headlessPulse(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pulseaudio", "pactl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins): %v", tool, err)
		}
	}
	if m, _ := filepath.Glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so"); len(m) == 0 {
		t.Fatal("ALSA's pulse plugin is missing (apt-get install libasound2-plugins)")
	}
	base, err := os.MkdirTemp("", "parley-pulse-") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	xdg, home := filepath.Join(base, "xdg"), filepath.Join(base, "home")
	for _, d := range []string{xdg, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_RUNTIME_DIR", xdg)
	t.Setenv("HOME", home)
	t.Setenv("PULSE_SERVER", "")
	os.Unsetenv("PULSE_SERVER")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
	cmd := exec.Command("pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
		"--load=module-native-protocol-unix",
		"--load=module-null-sink sink_name=parley_spk rate=48000",
		"--load=module-null-sink sink_name=parley_mic rate=48000",
		"--load=module-always-sink")
	logf, _ := os.Create(filepath.Join(base, "pulse.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pulseaudio: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		logf.Close()
		os.RemoveAll(base)
	})
	ready := false
	for range 100 {
		if exec.Command("pactl", "info").Run() == nil {
			ready = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ready {
		log, _ := os.ReadFile(filepath.Join(base, "pulse.log"))
		t.Fatalf("pulseaudio did not start:\n%s", log)
	}
	for _, args := range [][]string{{"set-default-sink", "parley_spk"}, {"set-default-source", "parley_mic.monitor"}} {
		if out, err := exec.Command("pactl", args...).CombinedOutput(); err != nil {
			t.Fatalf("pactl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// recording is what parec captured from a source (8 kHz mono), with the time it started.
type recording struct {
	mu    sync.Mutex
	start time.Time
	pcm   []int16
}

// record captures a PulseAudio source until the test ends.
func record(t *testing.T, source string) *recording {
	t.Helper()
	r := &recording{}
	cmd := exec.Command("parec", "--device="+source, "--format=s16le", "--rate=8000", "--channels=1", "--raw", "--latency-msec=20")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("parec: %v", err)
	}
	r.start = time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 320)
		for {
			n, err := io.ReadFull(out, buf)
			if n > 0 {
				r.mu.Lock()
				for i := 0; i+1 < n; i += 2 {
					r.pcm = append(r.pcm, int16(binary.LittleEndian.Uint16(buf[i:])))
				}
				r.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		_ = cmd.Wait()
	})
	return r
}

// toneFramesSince counts the 20 ms frames captured since `since` (by the sample clock) where
// freq dominates other.
func (r *recording) toneFramesSince(since time.Time, freq, other float64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	skip := int(since.Sub(r.start).Seconds()*audio.PhoneRate) - audio.PhoneRate // a second of slack for latency
	skip = max(0, min(skip, len(r.pcm)))
	return toneFrames(r.pcm[skip:], freq, other, audio.PhoneRate)
}

// toneFrames counts 20 ms frames where freq is clearly present and dominates other.
func toneFrames(pcm []int16, freq, other float64, rate int) int {
	n := rate * audio.FrameMillis / 1000
	count := 0
	for i := 0; i+n <= len(pcm); i += n {
		f := pcm[i : i+n]
		p, q := audio.Goertzel(f, freq, rate), audio.Goertzel(f, other, rate)
		if p > 0.001 && p > 20*q {
			count++
		}
	}
	return count
}

// speak plays a continuous tone into a PulseAudio sink until the test ends.
func speak(t *testing.T, sink string, freq float64) {
	t.Helper()
	cmd := exec.Command("pacat", "--playback", "--device="+sink, "--format=s16le", "--rate=48000", "--channels=1", "--raw", "--latency-msec=40")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("pacat: %v", err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tone := audio.Tone{Freq: freq, Amplitude: 0.4, Rate: audio.DeviceRate}
		frame := make([]int16, audio.DeviceFrameSize)
		buf := make([]byte, 2*len(frame))
		for {
			select {
			case <-stop:
				return
			default:
			}
			tone.Fill(frame)
			for i, s := range frame {
				binary.LittleEndian.PutUint16(buf[2*i:], uint16(s))
			}
			if _, err := in.Write(buf); err != nil { // pacat paces the writes
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		_ = cmd.Process.Kill()
		<-done
		_ = cmd.Wait()
	})
}

// writeTonePcap writes a pcap of RTP packets (PCMA, 20 ms, 8 kHz) carrying a tone, as sipp's
// play_pcap_audio reads them (Ethernet, IPv4, UDP).
func writeTonePcap(t *testing.T, path string, freq float64, d time.Duration) {
	t.Helper()
	var b bytes.Buffer
	le := binary.LittleEndian
	hdr := make([]byte, 24)
	le.PutUint32(hdr[0:], 0xa1b2c3d4)
	le.PutUint16(hdr[4:], 2)
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], 65535)
	le.PutUint32(hdr[20:], 1) // Ethernet
	b.Write(hdr)
	tone := audio.Tone{Freq: freq, Amplitude: 0.3, Rate: audio.PhoneRate}
	pcm := make([]int16, audio.PhoneFrameSize)
	for i := range int(d / (20 * time.Millisecond)) {
		tone.Fill(pcm)
		payload := audio.PCMA.Encode(nil, pcm)
		rtp := make([]byte, 12, 12+len(payload))
		rtp[0], rtp[1] = 0x80, 8
		if i == 0 {
			rtp[1] |= 0x80
		}
		binary.BigEndian.PutUint16(rtp[2:], uint16(i))
		binary.BigEndian.PutUint32(rtp[4:], uint32(i*audio.PhoneFrameSize))
		binary.BigEndian.PutUint32(rtp[8:], 0x5eed)
		rtp = append(rtp, payload...)
		udp := make([]byte, 8, 8+len(rtp))
		binary.BigEndian.PutUint16(udp[0:], 6000)
		binary.BigEndian.PutUint16(udp[2:], 6002)
		binary.BigEndian.PutUint16(udp[4:], uint16(8+len(rtp)))
		udp = append(udp, rtp...)
		ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
		var sum uint32
		for j := 0; j < 20; j += 2 {
			sum += uint32(binary.BigEndian.Uint16(ip[j:]))
		}
		for sum > 0xffff {
			sum = sum&0xffff + sum>>16
		}
		binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
		eth := []byte{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00}
		pkt := append(append(eth, ip...), udp...)
		at := time.Duration(i) * 20 * time.Millisecond
		rec := make([]byte, 16)
		le.PutUint32(rec[0:], uint32(1_700_000_000+int(at/time.Second)))
		le.PutUint32(rec[4:], uint32((at%time.Second)/time.Microsecond))
		le.PutUint32(rec[8:], uint32(len(pkt)))
		le.PutUint32(rec[12:], uint32(len(pkt)))
		b.Write(rec)
		b.Write(pkt)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// freeUDP returns a UDP port free on 127.0.0.1 (and the next one, for RTCP).
func freeUDP(t *testing.T) int {
	t.Helper()
	for range 50 {
		p, err := freeUDPPort("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if p%2 == 0 && p < 65000 {
			if c, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p+1)); err == nil {
				c.Close()
				return p
			}
		}
	}
	t.Fatal("no free UDP port pair")
	return 0
}

// readStereoWAV reads a 16-bit stereo WAV into its left and right channels.
func readStereoWAV(t *testing.T, path string) (left, right []int16) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		t.Fatalf("%s is not a WAV file", path)
	}
	le := binary.LittleEndian
	var channels, bits uint16
	for off := 12; off+8 <= len(data); {
		id, size := string(data[off:off+4]), int(le.Uint32(data[off+4:]))
		body := data[off+8 : min(len(data), off+8+size)]
		switch id {
		case "fmt ":
			channels, bits = le.Uint16(body[2:]), le.Uint16(body[14:])
		case "data":
			if channels != 2 || bits != 16 {
				t.Fatalf("%s: %d channels of %d bits, want 2 of 16", path, channels, bits)
			}
			for i := 0; i+3 < len(body); i += 4 {
				left = append(left, int16(le.Uint16(body[i:])))
				right = append(right, int16(le.Uint16(body[i+2:])))
			}
			return left, right
		}
		off += 8 + size + size%2
	}
	t.Fatal(errors.New(path + ": no data chunk"))
	return nil, nil
}
