package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Settings are remembered between runs in the settings file. The password is never stored.
type Settings struct {
	BackendURL string        `json:"backendUrl"`
	Username   string        `json:"username"`
	Audio      AudioSettings `json:"audio"`
}

// AudioSettings name the devices chosen in the audio settings; "" means the system default.
type AudioSettings struct {
	Microphone string `json:"microphone"`
	Speaker    string `json:"speaker"`
	Ringer     string `json:"ringer"`
}

// SettingsStore reads and writes the settings file, a small JSON file.
type SettingsStore struct {
	Path string
	mu   sync.Mutex
}

// DefaultSettingsPath is <user config dir>/parley/settings.json ($XDG_CONFIG_HOME on Linux).
func DefaultSettingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config dir: %w", err)
	}
	return filepath.Join(dir, "parley", "settings.json"), nil
}

// Load returns the stored settings, or zero settings when there is no file yet.
func (s *SettingsStore) Load() (Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st Settings
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("read settings %q: %w", s.Path, err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return Settings{}, fmt.Errorf("settings %q: %w", s.Path, err)
	}
	return st, nil
}

// Update loads the settings, applies change and writes them back atomically.
func (s *SettingsStore) Update(change func(*Settings)) (Settings, error) {
	st, err := s.Load()
	if err != nil {
		st = Settings{} // a damaged file is replaced
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&st)
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return st, err
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return st, fmt.Errorf("create settings dir: %w", err)
	}
	tmp := s.Path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return st, fmt.Errorf("write settings: %w", err)
	}
	if err := os.Rename(tmp, s.Path); err != nil {
		return st, fmt.Errorf("write settings: %w", err)
	}
	return st, nil
}
