package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/parley-cc/parley/backend/extfunc"
	"github.com/parley-cc/parley/backend/flow"
	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
)

// Names of the flows channels run when a request names none: tasks without a flow or queue,
// chats started without a flow.
const (
	DefaultTaskFlowName = "Default task flow"
	DefaultChatFlowName = "Default chat flow"
)

// storedFunctions calls the external functions stored in the instance, read at each call so
// that an admin's change applies to the next call.
type storedFunctions struct {
	svc    parley.ExternalFunctionService
	logger *slog.Logger
}

func (s storedFunctions) Input(ctx context.Context, e *flow.InvokeFunction) flow.Input {
	fns, err := s.svc.FindExternalFunctions(ctx)
	if err != nil {
		s.logger.Error("load external functions", slog.Any("err", err))
		return flow.FunctionError("external functions are unavailable")
	}
	reg := extfunc.Registry{}
	for _, f := range fns {
		reg[f.Name] = extfunc.ExternalFunction{Name: f.Name, URL: f.URL, Secret: f.Secret, Timeout: time.Duration(f.TimeoutSeconds) * time.Second}
		reg[string(f.ID)] = reg[f.Name]
	}
	return (&extfunc.Caller{Functions: reg}).Input(ctx, e)
}

// flowNamed finds the published flow named name, "" when there is none.
func flowNamed(ctx context.Context, svc parleyhttp.Services, name string) (parley.FlowID, error) {
	flows, err := svc.Flows.FindFlows(ctx)
	if err != nil {
		return "", err
	}
	for _, f := range flows {
		if f.Name == name && f.PublishedVersion > 0 {
			return f.ID, nil
		}
	}
	return "", nil
}
