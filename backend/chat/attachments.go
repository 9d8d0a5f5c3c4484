package chat

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-cc/parley/backend/parley"
)

// AllowedAttachmentTypes are the content types a chat accepts, as sniffed from the content
// (the WHATWG MIME sniffing algorithm, net/http.DetectContentType), never as declared.
var AllowedAttachmentTypes = []string{"image/png", "image/jpeg", "image/gif", "application/pdf"}

// MaxAttachmentNameLength bounds an attachment's file name, in characters.
const MaxAttachmentNameLength = 255

// attachmentStore keeps attachments as files: <dir>/<chat>/<id> and its description
// <dir>/<chat>/<id>.json.
type attachmentStore struct{ dir string }

// safeID reports whether id can be used as a file name.
func safeID(id string) bool {
	if id == "" || len(id) > 128 || strings.HasPrefix(id, ".") {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func cleanName(name string) (string, error) {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" || name == "" {
		name = "attachment"
	}
	if !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", parley.Invalidf("file", "the file name must be valid UTF-8 without control characters")
	}
	if n := utf8.RuneCountInString(name); n > MaxAttachmentNameLength {
		return "", parley.Invalidf("file", "the file name is %d characters; at most %d are allowed", n, MaxAttachmentNameLength)
	}
	return name, nil
}

// save stores r's content (at most max bytes, of an allowed type) as attachment id of chat.
func (a *attachmentStore) save(chat parley.ContactID, id, name string, r io.Reader, max int64) (*parley.ChatAttachment, error) {
	name, err := cleanName(name)
	if err != nil {
		return nil, err
	}
	if !safeID(string(chat)) || !safeID(id) {
		return nil, fmt.Errorf("attachment: unsafe ID %q/%q", chat, id)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, readError(err, max)
	}
	head = head[:n]
	if n == 0 {
		return nil, parley.Invalidf("file", "is empty")
	}
	ctype := http.DetectContentType(head)
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	allowed := false
	for _, t := range AllowedAttachmentTypes {
		allowed = allowed || t == ctype
	}
	if !allowed {
		return nil, parley.Invalidf("file", "is %s; allowed are PNG, JPEG and GIF images and PDF documents", ctype)
	}
	dir := filepath.Join(a.dir, string(chat))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("attachment dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	size, err := io.Copy(tmp, io.LimitReader(io.MultiReader(strings.NewReader(string(head)), r), max+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, readError(err, max)
	}
	if size > max {
		return nil, parley.Invalidf("file", "is larger than %d bytes", max)
	}
	att := &parley.ChatAttachment{ID: id, Name: name, ContentType: ctype, Size: size}
	meta, err := json.Marshal(att)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, id+".json"), meta, 0o640); err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, id)); err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	return att, nil
}

func readError(err error, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return parley.Invalidf("file", "is larger than %d bytes", max)
	}
	return parley.Invalidf("file", "could not be read: %v", err)
}

func (a *attachmentStore) remove(chat parley.ContactID, id string) {
	if !safeID(string(chat)) || !safeID(id) {
		return
	}
	p := filepath.Join(a.dir, string(chat), id)
	_ = os.Remove(p)
	_ = os.Remove(p + ".json")
}

// open returns an attachment of chat and its content.
func (a *attachmentStore) open(chat parley.ContactID, id string) (*parley.ChatAttachment, io.ReadCloser, error) {
	notFound := parley.NotFoundf("attachment %q not found in this chat", id)
	if !safeID(string(chat)) || !safeID(id) || strings.HasSuffix(id, ".json") {
		return nil, nil, notFound
	}
	p := filepath.Join(a.dir, string(chat), id)
	meta, err := os.ReadFile(p + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("attachment: %w", err)
	}
	var att parley.ChatAttachment
	if err := json.Unmarshal(meta, &att); err != nil {
		return nil, nil, fmt.Errorf("attachment %s: %w", p, err)
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("attachment: %w", err)
	}
	return &att, f, nil
}
