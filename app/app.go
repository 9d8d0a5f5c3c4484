package app

import (
	"context"

	"github.com/parley-cc/parley/backend/api"
)

// App is bound to the frontend. Its exported methods become the frontend's Go bindings.
type App struct {
	ctx context.Context // the Wails runtime's context, the app's own lifetime
}

// New returns an App; Startup is called by Wails when the window opens.
func New() *App { return &App{} }

// Startup keeps the Wails runtime context.
func (a *App) Startup(ctx context.Context) { a.ctx = ctx }

// APIVersion returns the backend API version this app speaks.
func (a *App) APIVersion() string { return api.Version }
