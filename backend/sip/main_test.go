package sip

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv(recordChildEnv) != "" {
		recordChild() // the child process of TestRecordingSurvivesSIGKILL; never returns
	}
	if os.Getenv("PARLEY_SIP_TEST_LOG") == "" {
		// diago and sipgo log through slog's default logger.
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}
