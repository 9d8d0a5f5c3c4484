package http

import (
	"strings"
	"sync"
	"time"
)

// loginThrottle slows password guessing: after MaxFailures failed logins for one username from
// one client address within Window, further attempts are refused (429) until the window that
// began with the first failure has passed. A successful login clears the count.
type loginThrottle struct {
	MaxFailures int
	Window      time.Duration

	mu       sync.Mutex
	failures map[string]*failureCount
}

type failureCount struct {
	n     int
	first time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{MaxFailures: 5, Window: 5 * time.Minute, failures: map[string]*failureCount{}}
}

func throttleKey(username, remoteAddr string) string {
	host := remoteAddr
	if i := strings.LastIndexByte(remoteAddr, ':'); i >= 0 {
		host = remoteAddr[:i]
	}
	return strings.ToLower(username) + "\x00" + host
}

// retryAfter returns how long the key must wait, 0 when it may try now.
func (l *loginThrottle) retryAfter(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.failures[key]
	if f == nil {
		return 0
	}
	if end := f.first.Add(l.Window); !now.Before(end) {
		delete(l.failures, key)
		return 0
	} else if f.n >= l.MaxFailures {
		return end.Sub(now)
	}
	return 0
}

func (l *loginThrottle) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > 100000 { // bound memory under a spray of usernames
		for k, f := range l.failures {
			if !now.Before(f.first.Add(l.Window)) {
				delete(l.failures, k)
			}
		}
	}
	f := l.failures[key]
	if f == nil {
		f = &failureCount{first: now}
		l.failures[key] = f
	}
	f.n++
}

func (l *loginThrottle) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
