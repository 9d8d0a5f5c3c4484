package audio

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// headlessPulse starts a private PulseAudio with a null sink (48 kHz) as the default output
// and its monitor as the default input, so PortAudio (through ALSA's pulse plugin) opens real,
// clocked streams on a machine without a sound card; what is played comes back as capture.
// Needs the Debian packages pulseaudio, pulseaudio-utils, libasound2-plugins, portaudio19-dev.
func headlessPulse(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pulseaudio", "pactl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins): %v", tool, err)
		}
	}
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so"); err != nil {
		if m, _ := filepath.Glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so"); len(m) == 0 {
			t.Fatal("ALSA's pulse plugin is missing (apt-get install libasound2-plugins)")
		}
	}
	base, err := os.MkdirTemp("", "parley-pulse-") // short path: unix socket names are limited
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
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:") // nothing autolaunches a session bus
	cmd := exec.Command("pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
		"--load=module-native-protocol-unix",
		"--load=module-null-sink sink_name=parley_null rate=48000",
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
	for _, args := range [][]string{{"set-default-sink", "parley_null"}, {"set-default-source", "parley_null.monitor"}} {
		if out, err := exec.Command("pactl", args...).CombinedOutput(); err != nil {
			t.Fatalf("pactl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func TestPortAudioDevices(t *testing.T) {
	headlessPulse(t)
	pa := &PortAudio{}
	defer pa.Close()
	devs, err := pa.Devices()
	if err != nil {
		t.Fatal(err)
	}
	var in, out bool
	for _, d := range devs {
		in = in || (d.DefaultInput && d.MaxInputChannels > 0)
		out = out || (d.DefaultOutput && d.MaxOutputChannels > 0)
	}
	if !in || !out {
		t.Fatalf("no default input (%v) or output (%v) among %+v", in, out, devs)
	}
}

// TestPortAudioToneLoopback plays 3 s of 1 kHz through a real PortAudio output stream and
// captures it back from the null sink's monitor through a real PortAudio input stream.
func TestPortAudioToneLoopback(t *testing.T) {
	headlessPulse(t)
	pa := &PortAudio{}
	defer pa.Close()
	// a device name that does not exist falls back to the default
	d, err := pa.OpenPortAudio(Config{Input: "no such microphone", Output: "no such headset", Capture: true, Playback: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !d.InFellBack || !d.OutFellBack {
		t.Errorf("fell back: in %v out %v", d.InFellBack, d.OutFellBack)
	}

	const playFrames = 150 // 3 s
	const recordFrames = 225
	var wg sync.WaitGroup
	var playErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		playErr = PlayTone(d, 1000, 0.5, playFrames)
		if playErr == nil {
			playErr = PlayTone(d, 0, 0, 40) // flush with silence
		}
	}()
	captured := make([][]int16, 0, recordFrames)
	for range recordFrames {
		f := make([]int16, d.FrameSize())
		if err := d.Read(f); err != nil {
			t.Fatalf("read: %v", err)
		}
		captured = append(captured, f)
	}
	wg.Wait()
	if playErr != nil {
		t.Fatalf("play: %v", playErr)
	}
	toneFrames := 0
	var levels []float64
	for _, f := range captured {
		p1, p3 := Goertzel(f, 1000, DeviceRate), Goertzel(f, 3000, DeviceRate)
		if p1 > 0.01 && p1 > 100*p3 {
			toneFrames++
			levels = append(levels, Measure(f).RMS)
		}
	}
	// the first 0.5-2 s may be missing: ask for at least 1 s of the 3 s played
	if toneFrames < 50 {
		t.Fatalf("captured %d frames of the 1 kHz tone, want at least 50 (1 s of the 3 s played)", toneFrames)
	}
	mid := levels[len(levels)/2]
	if mid < -15 || mid > -3 { // 0.5 of full scale: -9 dBFS RMS
		t.Errorf("captured tone at %.1f dBFS RMS, want about -9", mid)
	}
	t.Logf("captured %d tone frames (%.1f s), level %.1f dBFS", toneFrames, float64(toneFrames)*FrameMillis/1000, mid)
}

// TestPortAudioUplink captures the tone through the uplink (48 kHz → 8 kHz G.711 frames).
func TestPortAudioUplink(t *testing.T) {
	headlessPulse(t)
	pa := &PortAudio{}
	defer pa.Close()
	out, err := pa.Open(Config{Playback: true})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	in, err := OpenResilient(pa, Config{Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	up, err := NewUplink(in, PCMU)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = PlayTone(out, 700, 0.5, 175) }()
	good := 0
	for range 200 {
		p, err := up.ReadPayload(nil)
		if err != nil {
			t.Fatal(err)
		}
		pcm := PCMU.Decode(nil, p)
		if Goertzel(pcm, 700, PhoneRate) > 0.01 {
			good++
		}
	}
	if good < 50 {
		t.Fatalf("%d G.711 frames carried the 700 Hz tone, want at least 50", good)
	}
}
