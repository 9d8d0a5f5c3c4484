package app

import (
	"context"
	"log/slog"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// WailsRuntime is the Runtime of the desktop window: Wails events and OS notifications.
type WailsRuntime struct {
	ctx      context.Context
	notifyOK bool
}

// Startup is Wails' OnStartup: it attaches the Wails runtime and sets up notifications (an
// error there, e.g. no D-Bus session, only means no OS notifications: the window still shows
// offers).
func (a *App) Startup(ctx context.Context) {
	rt := &WailsRuntime{ctx: ctx}
	if err := wruntime.InitializeNotifications(ctx); err != nil {
		a.logger().Info("OS notifications unavailable", slog.Any("err", err))
	} else {
		rt.notifyOK = true
		_ = wruntime.RegisterNotificationCategory(ctx, wruntime.NotificationCategory{ID: "offer", Actions: []wruntime.NotificationAction{
			{ID: "accept", Title: "Accept"}, {ID: "reject", Title: "Reject"}}})
		wruntime.OnNotificationResponse(ctx, func(r wruntime.NotificationResult) {
			if r.Error != nil {
				return
			}
			a.handleNotificationAction(NotificationAction{ID: r.Response.ID, Action: r.Response.ActionIdentifier})
		})
	}
	a.attach(ctx, rt)
}

func (w *WailsRuntime) Emit(name string, data any) { wruntime.EventsEmit(w.ctx, name, data) }

func (w *WailsRuntime) Notify(n Notification) error {
	if !w.notifyOK {
		return errorf(CodeUnavailable, "OS notifications are unavailable")
	}
	opts := wruntime.NotificationOptions{ID: n.ID, Title: n.Title, Body: n.Body}
	if len(n.Actions) > 0 {
		opts.CategoryID = "offer"
		return wruntime.SendNotificationWithActions(w.ctx, opts)
	}
	return wruntime.SendNotification(w.ctx, opts)
}

func (w *WailsRuntime) SetTitle(title string) { wruntime.WindowSetTitle(w.ctx, title) }

func (w *WailsRuntime) Show() {
	wruntime.WindowUnminimise(w.ctx)
	wruntime.WindowShow(w.ctx)
}
