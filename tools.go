//go:build tools

// This file pins modules that the foundation chose but whose code lands with later issues
// (SIP on diago, headset audio on PortAudio), so go.mod records the versions agreed on.
// It is never compiled: the "tools" build tag is never set.
package main

import (
	_ "github.com/emiago/diago"
	_ "github.com/emiago/sipgo"
	_ "github.com/gordonklaus/portaudio"
)
