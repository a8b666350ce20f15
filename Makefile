# The two commands: `make run` (the whole assistant) and `make test` (every test).
.PHONY: setup train run test test-rasa test-gateway check-knowledge clean

GATEWAY_PY := .venv/gateway/bin/python
RASA_PY := .venv/rasa/bin/python
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)

setup:
	@bash scripts/setup.sh

# Trains only when the training data (config, domain, nlu/, stories/, knowledge/) changed.
train: setup
	@$(GATEWAY_PY) scripts/stack.py train

run: setup
	@$(GATEWAY_PY) scripts/run.py

check-knowledge: setup
	@$(GATEWAY_PY) -m knowledge check

test-rasa: setup
	$(RASA_PY) -m pytest tests/rasa

test-gateway: train
	$(GATEWAY_PY) -m pytest tests --ignore=tests/rasa

# Both suites always run; the target fails when either failed.
test: setup train
	@status=0; \
	$(GATEWAY_PY) -m knowledge check > /dev/null || status=1; \
	$(RASA_PY) -m pytest tests/rasa || status=1; \
	$(GATEWAY_PY) -m pytest tests --ignore=tests/rasa || status=1; \
	exit $$status

clean:
	rm -rf models var .pytest_cache
