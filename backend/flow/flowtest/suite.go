package flowtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-cc/parley/backend/flow"
)

// Suite is a test file: a flow under test, the flows and modules it calls,
// an environment and the cases to simulate.
type Suite struct {
	// Flow is the path of the flow under test, relative to the test file.
	Flow string `json:"flow"`
	// FlowID is the ID the flow under test gets (default: its file name
	// without extension).
	FlowID string `json:"flowId,omitempty"`
	// Flows maps the IDs of other flows and flow modules (as referred to by
	// TransferToFlow, InvokeFlowModule and event hooks) to their paths.
	Flows map[string]string `json:"flows,omitempty"`
	Env   EnvConfig         `json:"env"`
	Tests []Case            `json:"tests"`

	// Loaded by Load.
	Main    *flow.Flow            `json:"-"`
	AllFlow map[string]*flow.Flow `json:"-"`
	Path    string                `json:"-"`
}

// EnvConfig describes the simulated contact center.
type EnvConfig struct {
	Queues  []flow.Queue                 `json:"queues,omitempty"`
	Agents  []flow.Agent                 `json:"agents,omitempty"`
	Hours   []flow.Hours                 `json:"hours,omitempty"`
	Prompts []flow.Prompt                `json:"prompts,omitempty"`
	Metrics map[string]flow.QueueMetrics `json:"metrics,omitempty"`
	// AtCapacity lists the IDs of full queues.
	AtCapacity []string `json:"atCapacity,omitempty"`
	// AnyQueue, AnyPrompt, AnyHours: see flow.MemEnv.
	AnyQueue  bool `json:"anyQueue,omitempty"`
	AnyPrompt bool `json:"anyPrompt,omitempty"`
	AnyHours  bool `json:"anyHours,omitempty"`
}

// NewEnv builds a MemEnv from the configuration and the suite's flows.
func (c EnvConfig) NewEnv(flows map[string]*flow.Flow) *flow.MemEnv {
	env := &flow.MemEnv{
		Flows: flows, Queues: c.Queues, Agents: c.Agents, Hours: c.Hours, Prompts: c.Prompts,
		Metrics: c.Metrics, AtCapacity: map[string]bool{},
		AnyQueue: c.AnyQueue, AnyPrompt: c.AnyPrompt, AnyHours: c.AnyHours,
	}
	for _, q := range c.AtCapacity {
		env.AtCapacity[q] = true
	}
	return env
}

// Load reads a test file and the flows it names. Flow problems are returned
// as an error naming the file.
func Load(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read test file: %w", err)
	}
	var s Suite
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("test file %s: %w", path, err)
	}
	if s.Flow == "" {
		return nil, fmt.Errorf("test file %s: \"flow\" is required", path)
	}
	if len(s.Tests) == 0 {
		return nil, fmt.Errorf("test file %s: \"tests\" must hold at least one case", path)
	}
	s.Path = path
	dir := filepath.Dir(path)
	s.AllFlow = map[string]*flow.Flow{}
	id := s.FlowID
	if id == "" {
		id = strings.TrimSuffix(filepath.Base(s.Flow), filepath.Ext(s.Flow))
	}
	var errs []error
	s.Main, err = LoadFlow(filepath.Join(dir, s.Flow), id)
	if err != nil {
		errs = append(errs, err)
	} else {
		s.AllFlow[id] = s.Main
	}
	for _, fid := range sortedKeys(s.Flows) {
		f, err := LoadFlow(filepath.Join(dir, s.Flows[fid]), fid)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.AllFlow[fid] = f
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadFlow reads and validates a flow file and gives it an ID.
func LoadFlow(path, id string) (*flow.Flow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read flow: %w", err)
	}
	f, err := flow.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("flow %s: %w", path, err)
	}
	f.ID = id
	f.Name = id
	return f, nil
}

// Run simulates every case of the suite.
func (s *Suite) Run() []*Result {
	out := make([]*Result, 0, len(s.Tests))
	for _, c := range s.Tests {
		env := s.Env.NewEnv(s.AllFlow)
		out = append(out, Run(s.Main, env, c))
	}
	return out
}
