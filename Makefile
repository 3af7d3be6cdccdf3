# Two entry points: `make run` (index data/ and open the chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install lint clean chromium

run: $(STAMP)
	-$(BIN)/assistant index data  # files it skips are listed; the chat opens anyway
	$(BIN)/assistant ui

test: $(STAMP) chromium
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check assistant index tests

install: $(STAMP)

$(STAMP): pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) VENV=$(VENV) scripts/install.sh
	touch $(STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "warning: /usr/bin/chromium is missing (apt-get install chromium); browser tests will fail"

clean:
	rm -rf $(VENV) .assistant
