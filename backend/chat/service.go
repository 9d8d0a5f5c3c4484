package chat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// Router is what the chat channel needs of the router; *routing.Router implements it.
type Router interface {
	Enqueue(ctx context.Context, req routing.EnqueueRequest) (routing.EnqueueResult, error)
	Disconnect(ctx context.Context, id parley.ContactID, reason parley.DisconnectReason) error
	Connected(ctx context.Context, id parley.ContactID) error
	Transfer(ctx context.Context, id parley.ContactID, to parley.QueueID) (parley.ContactID, error)
}

var _ Router = (*routing.Router)(nil)

// FlowSource loads the content of a flow's published version (parley.FlowSource).
type FlowSource = parley.FlowSource

// StoreFlowSource is the FlowSource over the flow store.
type StoreFlowSource = parley.PublishedFlows

// FunctionCaller calls external functions for InvokeLambdaFunction actions in chat flows;
// *extfunc.Caller implements it.
type FunctionCaller interface {
	Input(ctx context.Context, e *flow.InvokeFunction) flow.Input
}

// UserFinder finds agents, for their display name in the chat; parley.UserService implements it.
type UserFinder interface {
	FindUserByID(ctx context.Context, id parley.UserID) (*parley.User, error)
}

// QuickConnectFinder finds quick connects, for transfers; parley.QuickConnectService implements it.
type QuickConnectFinder interface {
	FindQuickConnectByID(ctx context.Context, id parley.QuickConnectID) (*parley.QuickConnect, error)
}

// Defaults of the Service's optional fields.
const (
	DefaultMessagesPerSecond = 5
	DefaultMessageBurst      = 10
	DefaultIdleTimeout       = 30 * time.Minute
	DefaultEndedRetention    = 15 * time.Minute
	DefaultStartsPerMinute   = 30
	DefaultSystemName        = "SYSTEM"
)

// Service is the chat channel. Make one with New, forward the router's events to Publish, start
// Run, and mount Handler. Its methods are safe for concurrent use; each chat is worked on by one
// goroutine at a time.
type Service struct {
	// Clock is the time source for timers (input time limits, Wait blocks, idle expiry), rate
	// limits, flows and item times. Default: the wall clock.
	Clock routing.Clock
	// NewID makes contact, participant and attachment IDs. Default: random UUIDs.
	NewID func() string
	// Logger. Default: discard.
	Logger *slog.Logger
	// DefaultFlowID is the flow of chats started without one. Empty: flowId is required.
	DefaultFlowID parley.FlowID
	// Functions calls external functions from chat flows. Nil: such calls take the error branch.
	Functions FunctionCaller
	// Users gives agents' display names (first name, else username). Nil: "Agent".
	Users UserFinder
	// FlowLogs stores the chat flows' log entries. Nil: they are dropped.
	FlowLogs parley.FlowLogService
	// QuickConnects resolves quick connects for transfers. Nil: transfers by quick connect fail.
	QuickConnects QuickConnectFinder
	// MaxMessageLength in characters. Default parley.DefaultChatMessageLength.
	MaxMessageLength int
	// MaxAttachmentBytes. Default parley.DefaultChatAttachmentBytes.
	MaxAttachmentBytes int64
	// MessagesPerSecond and MessageBurst limit each participant's messages and attachments
	// (a token bucket). Defaults DefaultMessagesPerSecond and DefaultMessageBurst.
	MessagesPerSecond float64
	MessageBurst      int
	// IdleTimeout ends a chat with reason EXPIRED when nobody wrote for that long.
	// Default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// EndedRetention is how long an ended chat stays in memory, so its customer can still
	// read it with their token. Default DefaultEndedRetention.
	EndedRetention time.Duration
	// StartsPerMinute limits the chats one client address may start. Default
	// DefaultStartsPerMinute; negative: no limit.
	StartsPerMinute int
	// AllowedOrigins are the web origins (scheme://host[:port]) whose pages may use the
	// customer API and websocket. Empty: any origin (the API is authorised by participant
	// tokens, never by cookies).
	AllowedOrigins []string
	// SystemName is the display name of the flow's messages. Default DefaultSystemName.
	SystemName string

	router      Router
	contacts    parley.ContactService
	flows       FlowSource
	env         flow.Env
	transcripts parley.ChatTranscriptStore
	files       *attachmentStore

	mu        sync.Mutex
	byContact map[parley.ContactID]*chat
	byToken   map[string]*chat // SHA-256 of the customer's participant token
	starts    *ipLimiter

	inbox *inbox
}

var _ parley.ChatService = (*Service)(nil)

// New returns a chat channel over the router, the contact store, a flow source, the flow
// environment (answered from memory, as for every channel), the transcript store and the
// directory where attachments are kept (created when missing; "chat-attachments" under the
// data directory, say). It starts nothing.
func New(router Router, contacts parley.ContactService, flows FlowSource, env flow.Env, transcripts parley.ChatTranscriptStore, attachmentDir string) *Service {
	return &Service{
		router: router, contacts: contacts, flows: flows, env: env, transcripts: transcripts,
		files:     &attachmentStore{dir: attachmentDir},
		byContact: map[parley.ContactID]*chat{},
		byToken:   map[string]*chat{},
		inbox:     newInbox(),
	}
}

func (s *Service) clock() routing.Clock {
	if s.Clock == nil {
		return routing.RealClock{}
	}
	return s.Clock
}

func (s *Service) now() time.Time { return s.clock().Now().UTC() }

func (s *Service) newID() string {
	if s.NewID != nil {
		return s.NewID()
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) maxMessageLength() int {
	if s.MaxMessageLength > 0 {
		return s.MaxMessageLength
	}
	return parley.DefaultChatMessageLength
}

func (s *Service) maxAttachmentBytes() int64 {
	if s.MaxAttachmentBytes > 0 {
		return s.MaxAttachmentBytes
	}
	return parley.DefaultChatAttachmentBytes
}

func (s *Service) idleTimeout() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return DefaultIdleTimeout
}

func (s *Service) endedRetention() time.Duration {
	if s.EndedRetention > 0 {
		return s.EndedRetention
	}
	return DefaultEndedRetention
}

func (s *Service) systemName() string {
	if s.SystemName != "" {
		return s.SystemName
	}
	return DefaultSystemName
}

func (s *Service) newBucket() *bucket {
	rate, burst := s.MessagesPerSecond, s.MessageBurst
	if rate <= 0 {
		rate = DefaultMessagesPerSecond
	}
	if burst <= 0 {
		burst = DefaultMessageBurst
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

func (s *Service) engine() *flow.Engine {
	return &flow.Engine{Env: s.env, Now: s.now}
}

// newToken returns a random participant token and the hash it is found by.
func newToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// chatByContact returns the live (or recently ended) chat a contact belongs to.
func (s *Service) chatByContact(id parley.ContactID) *chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byContact[id]
}

func (s *Service) chatByToken(token string) *chat {
	if token == "" {
		return nil
	}
	h := hashToken(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byToken[h]
}

// forget drops an ended chat from memory.
func (s *Service) forget(c *chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range c.contactIDs {
		if s.byContact[id] == c {
			delete(s.byContact, id)
		}
	}
	if s.byToken[c.customer.tokenHash] == c {
		delete(s.byToken, c.customer.tokenHash)
	}
}

// Live returns how many chats are in memory (live, or ended within EndedRetention).
func (s *Service) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	seen := map[*chat]bool{}
	for _, c := range s.byContact {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n
}

// bucket is a token bucket on the service's clock.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens += now.Sub(b.last).Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// ipLimiter limits chat starts per client address.
type ipLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

func (s *Service) allowStart(addr string) bool {
	if s.StartsPerMinute < 0 {
		return true
	}
	per := s.StartsPerMinute
	if per == 0 {
		per = DefaultStartsPerMinute
	}
	s.mu.Lock()
	if s.starts == nil {
		s.starts = &ipLimiter{buckets: map[string]*bucket{}}
	}
	l := s.starts
	s.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) > 100000 { // forget everyone rather than grow without bound
			l.buckets = map[string]*bucket{}
		}
		b = &bucket{rate: float64(per) / 60, burst: float64(per), tokens: float64(per)}
		l.buckets[addr] = b
	}
	return b.take(s.now())
}
