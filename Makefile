# Parley: `make run` starts a demo contact center, `make test` runs every test.
# Both install what they need first (`make deps`, Debian/Ubuntu packages through apt-get).

SHELL := /bin/bash
GO ?= go
# libsqlite3 links Debian's SQLite instead of compiling the amalgamation (seconds, not a minute);
# webkit2_41 selects WebKitGTK 4.1 for the desktop app on Linux.
TAGS ?= libsqlite3,webkit2_41
BIN := bin
DATA_DIR ?=
HTTP_ADDR ?= 127.0.0.1:8080

# Debian packages the build and the tests need: the C toolchain; SQLite (backend/sqlite);
# GTK and WebKitGTK 4.1 (the desktop app, compiled by `go vet ./...`); sipp, espeak-ng and sox
# (backend/sip: a real SIP peer, text prompts, audio checks); chromium (browser tests of the
# chat widget and the desktop frontend, driven by playwright-core from npm); PortAudio and a
# private PulseAudio with a null sink (audio/: real streams without a sound card); Xvfb,
# xdotool, ImageMagick and D-Bus (app/: the real window, typed into and screenshotted).
DEB_PACKAGES := \
	gcc pkg-config git curl \
	libsqlite3-dev \
	libgtk-3-dev libwebkit2gtk-4.1-dev \
	sip-tester espeak-ng sox baresip \
	chromium fonts-liberation fonts-dejavu-core \
	portaudio19-dev pulseaudio pulseaudio-utils libasound2-plugins \
	xvfb xdotool imagemagick x11-utils dbus dbus-x11

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build parleyd app frontend run test test-race lint fmt clean

all: build

## deps: install missing Debian packages (quick and silent when all are present)
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v $(GO) >/dev/null || { echo "make deps: Go 1.26 or later is required (https://go.dev/dl/)"; exit 1; }
	@# Node.js and npm: kept when present (e.g. from NodeSource, whose nodejs bundles npm),
	@# otherwise Debian's.
	@missing=""; command -v node >/dev/null || missing="nodejs"; command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then echo "make deps: installing" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

## build: the backend (bin/parleyd)
build: parleyd

parleyd:
	$(GO) build -tags '$(TAGS)' -o $(BIN)/parleyd ./backend/cmd/parleyd

## frontend: the desktop app's UI (Svelte + Vite) into frontend/dist, which main.go embeds
frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run build

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

## app: the desktop app (bin/parley); needs a display to run
app: frontend
	$(GO) build -tags '$(TAGS),desktop,production' -o $(BIN)/parley .

## run: set up and start the demo contact center, and the desktop app when there is a display
run: deps build $(if $(DISPLAY)$(WAYLAND_DISPLAY),app)
	HTTP_ADDR=$(HTTP_ADDR) DATA_DIR=$(DATA_DIR) ./scripts/run.sh

# Packages whose goroutines share state: their tests also run under the race detector.
RACE_PACKAGES := ./backend/routing/... ./backend/ws ./backend/http ./backend/task ./backend/chat

## test: set up and run every test
test: deps lint frontend
	cd frontend && npm test
	$(GO) test -tags '$(TAGS)' -count=1 ./...
	$(GO) test -race -tags '$(TAGS)' -count=1 $(RACE_PACKAGES)

test-race: deps
	$(GO) test -race -tags '$(TAGS)' ./backend/...

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags '$(TAGS)' ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN)
