package sip

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const recordChildEnv = "PARLEY_SIP_RECORD_CHILD"

// childFrame is the stereo sample pair the child writes as frame i.
func childFrame(i int64) (int16, int16) {
	v := int16(i%30000 + 1)
	return v, -v
}

// recordChild writes a known pattern to a WAV file in real time (20 ms blocks), flushing every
// 5 blocks and printing "flushed N" after each flush, until it is killed.
func recordChild() {
	w, err := CreateWAV(os.Getenv(recordChildEnv), SampleRate, 2)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	block := make([]int16, 2*frameSamples)
	var frame int64
	for n := 1; ; n++ {
		for i := range frameSamples {
			block[2*i], block[2*i+1] = childFrame(frame)
			frame++
		}
		if err := w.Write(block); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		if n%5 == 0 {
			if err := w.Flush(); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			fmt.Println("flushed", w.Frames())
		}
		<-tick.C
	}
}

// readStereoWAV parses a 16-bit stereo WAV written by WAVWriter.
func readStereoWAV(t *testing.T, path string) [][2]int16 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseWAV(b)
	if err != nil {
		t.Fatalf("%s does not parse: %v", path, err)
	}
	if f.format != wavPCM || f.channels != 2 || f.bits != 16 || f.rate != 8000 {
		t.Fatalf("%s: format %+v, want 8 kHz 16-bit stereo PCM", path, f)
	}
	declared := binary.LittleEndian.Uint32(b[40:44])
	if int(declared) != len(b)-wavHeaderSize || binary.LittleEndian.Uint32(b[4:8]) != declared+36 {
		t.Fatalf("%s: header declares %d data bytes, file has %d", path, declared, len(b)-wavHeaderSize)
	}
	out := make([][2]int16, len(f.data)/4)
	for i := range out {
		out[i][0] = int16(binary.LittleEndian.Uint16(f.data[4*i:]))
		out[i][1] = int16(binary.LittleEndian.Uint16(f.data[4*i+2:]))
	}
	return out
}

func TestRecordingSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	path, err := RecordingPath(dir, "contact-1", time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "2026", "03", "04", "contact-1.wav"); path != want {
		t.Errorf("RecordingPath = %s, want %s", path, want)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), recordChildEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var flushed int64
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		n, ok := strings.CutPrefix(line, "flushed ")
		if !ok {
			t.Fatalf("child: %s", line)
		}
		flushed, _ = strconv.ParseInt(n, 10, 64)
		if flushed >= SampleRate { // a second of audio on disk
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if flushed < SampleRate {
		t.Fatalf("child flushed only %d frames before exiting", flushed)
	}

	fixed, err := RecoverRecordings(dir)
	if err != nil {
		t.Fatalf("RecoverRecordings: %v (fixed %v)", err, fixed)
	}
	frames := readStereoWAV(t, path)
	// Everything flushed is there (the child may have flushed once more before the kill).
	if int64(len(frames)) < flushed {
		t.Fatalf("%d frames after the kill, want at least the %d flushed", len(frames), flushed)
	}
	for i, fr := range frames {
		l, r := childFrame(int64(i))
		if fr != [2]int16{l, r} {
			t.Fatalf("frame %d = %v, want [%d %d]", i, fr, l, r)
		}
	}
}

func TestRecoverRecordingsFixesHeader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "2026", "01", "02", "c.wav")
	w, err := CreateWAV(path, SampleRate, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]int16{1, -1, 2, -2}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// A crash after more samples were written but before the header was updated, in the
	// middle of a frame.
	if _, err := w.f.WriteAt([]byte{3, 0, 0xfd, 0xff, 4, 0, 0xfc}, wavHeaderSize+8); err != nil {
		t.Fatal(err)
	}
	w.f.Close()
	other := filepath.Join(dir, "notes.wav")
	os.WriteFile(other, []byte("not a wav"), 0o644)

	fixed, err := RecoverRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixed) != 1 || fixed[0] != path {
		t.Errorf("fixed %v, want [%s]", fixed, path)
	}
	got := readStereoWAV(t, path)
	want := [][2]int16{{1, -1}, {2, -2}, {3, -3}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("frames %v, want %v (the partial frame cut off)", got, want)
	}
	// A second pass has nothing to do.
	if fixed, _ := RecoverRecordings(dir); len(fixed) != 0 {
		t.Errorf("second pass fixed %v", fixed)
	}
	if fixed, err := RecoverRecordings(filepath.Join(dir, "missing")); err != nil || len(fixed) != 0 {
		t.Errorf("missing dir: %v, %v", fixed, err)
	}
}

func TestRecordingMixesSides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.wav")
	rec, err := StartRecording(path, RecordingOptions{FlushInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	left := make([]int16, 800)
	right := make([]int16, 400)
	for i := range left {
		left[i] = 1000
	}
	for i := range right {
		right[i] = -2000
	}
	rec.Left(left)
	rec.Right(right)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	frames := readStereoWAV(t, path)
	var l, r int
	for _, f := range frames {
		if f[0] == 1000 {
			l++
		}
		if f[1] == -2000 {
			r++
		}
	}
	if l != 800 || r != 400 {
		t.Errorf("left has %d customer samples (want 800), right %d agent samples (want 400)", l, r)
	}
	if _, err := RecordingPath(t.TempDir(), "../x", time.Now()); err == nil {
		t.Error("RecordingPath accepted a contact ID with a path separator")
	}
}
