# make run / make test on a fresh Debian machine with the Swift toolchain: both first install the
# C libraries the package builds with (OpenBLAS, zlib, stb) when they are missing.
#
# SWIFT_FLAGS passes extra options to swift build/test, e.g. SWIFT_FLAGS="--scratch-path .build-ci".
# RUN_FLAGS passes extra options to `digits experiment`, e.g. RUN_FLAGS="--epochs 1".

SWIFT ?= swift
SWIFT_FLAGS ?=
FUZZ_SECONDS ?= 600
RUN_FLAGS ?=
APT_PACKAGES := libopenblas-dev zlib1g-dev libstb-dev librsvg2-bin
# The tests also drive the drawing page of `digits serve` in headless Chromium, train under
# mpirun (Open MPI) and between two network namespaces (iproute2).
TEST_APT_PACKAGES := $(APT_PACKAGES) chromium openmpi-bin iproute2
# apt-get needs root; sudo only when we are not root already.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast build deps test-deps install-missing lint format fixtures fuzz example \
  check-report

## The main job: train ResNet34 and ResNet50 on the bundled MNIST under both protocols and write
## report/REPORT.md (git-ignored: the committed results in results/ are never overwritten).
run: build
	"$$($(SWIFT) build -c release $(SWIFT_FLAGS) --show-bin-path)/digits" experiment --out report \
	  --seeds 1 --protocols paper,improved --models resnet34,resnet50 $(RUN_FLAGS)

## All tests (debug build; the PyTorch fixtures are committed, so no Python is needed).
## DIGITS_FAST=0: a DIGITS_FAST=1 left in the shell must not thin the full run.
test: test-deps
	DIGITS_FAST=0 $(SWIFT) test $(SWIFT_FLAGS)

## All but the suites tagged .slow (Tests/TestSupport/SlowTests.swift): swift test cannot skip a
## tag by itself, so those suites are disabled when DIGITS_FAST=1. Needs no Chromium.
test-fast: deps
	DIGITS_FAST=1 $(SWIFT) test $(SWIFT_FLAGS)

## Builds and runs Examples/DigitsExample, a package that uses DigitsKit as a library.
example: deps
	cd Examples/DigitsExample && $(SWIFT) run

## Rebuilds results/REPORT.md and APPENDIX.md from the committed run folders with the release
## build (seconds once built: a clone has no checkpoints, so nothing is evaluated) and fails when a
## line of either differs.
check-report: deps
	$(SWIFT) build -c release --product digits $(SWIFT_FLAGS)
	scripts/check_report.sh "$$($(SWIFT) build -c release $(SWIFT_FLAGS) --show-bin-path)/digits"

build: deps
	$(SWIFT) build -c release $(SWIFT_FLAGS)

## Installs the apt packages only when one is missing (no apt-get update otherwise).
deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(TEST_APT_PACKAGES)"

install-missing:
	@command -v dpkg >/dev/null || { echo "no dpkg: install $(PACKAGES) (dev files) yourself"; exit 0; }; \
	missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

lint:
	$(SWIFT) format lint --strict -r Sources Tests fuzz Examples Package.swift

format:
	$(SWIFT) format -i -r Sources Tests fuzz Examples Package.swift

## Regenerates Tests/Fixtures with PyTorch (needs torch, torchvision, safetensors; not part of test).
fixtures:
	python3 scripts/make_fixtures.py

## Fuzzes the IDX, safetensors and image parsers with libFuzzer + AddressSanitizer for
## FUZZ_SECONDS each (scripts/fuzz.sh; not part of test).
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)
