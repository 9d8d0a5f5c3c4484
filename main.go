// Command parley is the desktop agent workstation (the CCP). It embeds the built frontend and
// runs it in a Wails window; the Go half lives in app/.
//
// Build it with `make app` (Linux: -tags desktop,production,webkit2_41) after building the
// frontend (`npm ci && npm run build` in frontend/).
package main

import (
	"embed"
	"log"
	"os"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/parley-cc/parley/app"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	fixLocale()
	a := app.New()
	err := wails.Run(&options.App{
		Title:            "Parley",
		Width:            1100,
		Height:           720,
		MinWidth:         800,
		MinHeight:        560,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 245, G: 246, B: 248, A: 255},
		OnStartup:        a.Startup,
		OnShutdown:       a.Shutdown,
		Bind:             []any{a},
		ErrorFormatter:   app.ErrorObject,
		// One CCP per user session: a second launch brings the running window to the front.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               "cc.parley.ccp",
			OnSecondInstanceLaunch: func(options.SecondInstanceData) { a.ShowWindow() },
		},
		Linux: &linux.Options{ProgramName: "parley"},
	})
	if err != nil {
		log.Fatal(err)
	}
}

// fixLocale gives WebKit a real language when the session has none (LANG unset, C or POSIX,
// as under a service manager or in CI): WebKit passes the first of glib's language names to
// the page as navigator.language, and "C" is not a valid language tag, so Intl constructors
// throw (uPlot's do, at load). LANGUAGE=en_US is what glib reads first. The UI is English.
func fixLocale() {
	isC := func(v string) bool { return v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") }
	if v := os.Getenv("LC_ALL"); isC(v) {
		os.Unsetenv("LC_ALL")
	}
	if v := os.Getenv("LANG"); v == "" || (isC(v) && v != "C.UTF-8") {
		os.Setenv("LANG", "C.UTF-8") // always available in glibc
	}
	if v := os.Getenv("LANGUAGE"); v == "" || isC(v) {
		os.Setenv("LANGUAGE", "en_US")
	}
}
