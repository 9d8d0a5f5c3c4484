package flow

import (
	"errors"
	"fmt"
	"time"
)

var (
	errNoEnv   = errors.New("no environment")
	errNoQueue = errors.New("no queue set: use UpdateContactTargetQueue first")

	errEmptyMessage = errors.New("message resolves to nothing")
)

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}

var zeroTime = time.Time{}
