# Provider portal backend. `make run` brings the whole stack up locally with
# sample data; `make test` runs every test. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Tools live outside the clone, keyed by version, so a fresh clone reuses them.
XDG_CACHE_HOME ?= $(HOME)/.cache
TOOLS_DIR ?= $(or $(PORTAL_TOOLS_DIR),$(XDG_CACHE_HOME)/provider-portal-tools)
export PORTAL_TOOLS_DIR := $(TOOLS_DIR)

PYTHON ?= python3
MOTO_VERSION := 5.2.5
SAM_VERSION := 1.170.0
SEAWEEDFS_VERSION := v0.0.0-20261109003541-7506e5f91cd6
MOTO := $(TOOLS_DIR)/moto-$(MOTO_VERSION)
SEAWEEDFS := $(TOOLS_DIR)/seaweedfs-$(SEAWEEDFS_VERSION)
SAM_VENV := $(TOOLS_DIR)/sam-$(SAM_VERSION)
SAM := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 $(SAM_VENV)/bin/sam

GO_BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
# The largest a function's bootstrap may be (12 MiB).
MAX_BOOTSTRAP_BYTES := 12582912

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# ------------------------------------------------------------------ tools
$(MOTO)/.installed:
	rm -rf $(MOTO)
	$(PYTHON) -m venv $(MOTO)
	$(MOTO)/bin/pip install --quiet --disable-pip-version-check "moto[server]==$(MOTO_VERSION)"
	touch $@

# SeaweedFS serves S3 locally; its go.mod has replace directives, so
# `go install pkg@version` refuses it: build it from its module source.
$(SEAWEEDFS)/.installed:
	rm -rf $(SEAWEEDFS) && mkdir -p $(SEAWEEDFS)
	src=$$(GOFLAGS=-mod=mod go mod download -json github.com/seaweedfs/seaweedfs@$(SEAWEEDFS_VERSION) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p') && \
	  cp -r "$$src" $(SEAWEEDFS)/src && chmod -R u+w $(SEAWEEDFS)/src
	cd $(SEAWEEDFS)/src && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w" -o ../bin/weed ./weed
	rm -rf $(SEAWEEDFS)/src
	touch $@

$(SAM_VENV)/.installed:
	rm -rf $(SAM_VENV)
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check "aws-sam-cli==$(SAM_VERSION)"
	touch $@

.PHONY: tools
tools: $(MOTO)/.installed $(SEAWEEDFS)/.installed $(SAM_VENV)/.installed ## Install the local servers and SAM CLI into $(TOOLS_DIR)

# ------------------------------------------------------------------ run
.PHONY: run
run: $(MOTO)/.installed $(SEAWEEDFS)/.installed ## Run the whole stack locally with sample data (Ctrl-C stops it)
	go run ./localstack/portal-local up

.PHONY: token
token: ## Print a development token (TIN=222222222 for the second sample provider)
	@go run ./localstack/portal-local token $(if $(TIN),-tin $(TIN))

# ------------------------------------------------------------------ test
.PHONY: test
test: tools lint ## Run every test: unit, integration against the local stack, end to end, SAM validate and build
	go test -count=1 ./...
	$(MAKE) sam-validate sam-build

.PHONY: lint
lint: ## gofmt and go vet
	@unformatted=$$(gofmt -l functions shared localstack); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

.PHONY: sam-validate
sam-validate: $(SAM_VENV)/.installed
	$(SAM) validate --lint --template template.yaml

.PHONY: sam-build
sam-build: $(SAM_VENV)/.installed ## Build every function as SAM does, and check each bootstrap's size
	$(SAM) build --template template.yaml
	@for f in .aws-sam/build/*/bootstrap; do \
	  size=$$(stat -c %s "$$f"); echo "$$f: $$size bytes"; \
	  if [ "$$size" -gt $(MAX_BOOTSTRAP_BYTES) ]; then echo "$$f is over 12 MiB"; exit 1; fi; \
	done

.PHONY: bench
bench: $(MOTO)/.installed $(SEAWEEDFS)/.installed ## Run the benchmarks
	go test -run '^$$' -bench . -benchmem ./shared/...
	go test -run '^$$' -bench . -benchmem -benchtime 50x ./localstack/...

# ------------------------------------------------------------------ SAM makefile builder
# `sam build` calls build-<LogicalId> with ARTIFACTS_DIR set.
define lambda-build
	cd $(or $(PROJECT_ROOT),.) && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build $(GO_BUILD_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)
endef

.PHONY: build-ClaimsFunction build-ClaimsIngestFunction build-UploadsFunction build-AttachmentsFunction build-AttachmentProcessorFunction
build-ClaimsFunction:
	$(call lambda-build,claims)
build-ClaimsIngestFunction:
	$(call lambda-build,claimsingest)
build-UploadsFunction:
	$(call lambda-build,uploads)
build-AttachmentsFunction:
	$(call lambda-build,attachments)
build-AttachmentProcessorFunction:
	$(call lambda-build,attachmentprocessor)

.PHONY: clean
clean: ## Remove build output and local state (not the tools cache)
	rm -rf .aws-sam localstack/.state

.PHONY: localstack-bin
localstack-bin: ## Build the provisioner for the LocalStack container's init hook
	GOOS=linux CGO_ENABLED=0 go build -trimpath -o localstack/.state/bin/portal-local ./localstack/portal-local
