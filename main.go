// Command parley is the desktop agent workstation (the CCP). It embeds the built frontend and
// runs it in a Wails window; the Go half lives in app/.
//
// Build it with `make app` (Linux: -tags desktop,production,webkit2_41).
package main

import (
	"embed"
	"log"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/parley-cc/parley/app"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	a := app.New()
	err := wails.Run(&options.App{
		Title:       "Parley",
		Width:       1100,
		Height:      720,
		MinWidth:    800,
		MinHeight:   560,
		AssetServer: &assetserver.Options{Assets: assets},
		OnStartup:   a.Startup,
		Bind:        []any{a},
	})
	if err != nil {
		log.Fatal(err)
	}
}
