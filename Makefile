# Provider portal backend. `make run` brings the whole stack up locally with
# sample data; `make test` runs every test. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Every build, test and tool install uses this Go: go1.26.8 has standard
# library vulnerabilities the functions reach (net/http, crypto/x509,
# crypto/tls). The go command fetches it from the module proxy once (76 MB).
export GOTOOLCHAIN := go1.27.3

# Tools live outside the clone, keyed by version, so a fresh clone reuses them.
XDG_CACHE_HOME ?= $(HOME)/.cache
TOOLS_DIR ?= $(or $(PORTAL_TOOLS_DIR),$(XDG_CACHE_HOME)/provider-portal-tools)
export PORTAL_TOOLS_DIR := $(TOOLS_DIR)

PYTHON ?= python3
MOTO_VERSION := 5.2.5
SAM_VERSION := 1.170.0
SEAWEEDFS_VERSION := v0.0.0-20261109003541-7506e5f91cd6
STATICCHECK_VERSION := v0.8.2
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
SCHEMATHESIS_VERSION := 4.32.5
GOVULNCHECK_VERSION := v1.9.0
CHECKOV_VERSION := 3.3.30
OAPI_CODEGEN_VERSION := v2.8.2
# The Go vulnerability database as the module proxy serves it (its data/osv
# holds the entries); indexed once into the form govulncheck reads.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
MOTO := $(TOOLS_DIR)/moto-$(MOTO_VERSION)
SEAWEEDFS := $(TOOLS_DIR)/seaweedfs-$(SEAWEEDFS_VERSION)
SAM_VENV := $(TOOLS_DIR)/sam-$(SAM_VERSION)
# Go tools that read Go source are built by the Go they must understand.
STATICCHECK := $(TOOLS_DIR)/staticcheck-$(STATICCHECK_VERSION)-$(GOTOOLCHAIN)
BENCHSTAT := $(TOOLS_DIR)/benchstat-$(BENCHSTAT_VERSION)
SCHEMATHESIS := $(TOOLS_DIR)/schemathesis-$(SCHEMATHESIS_VERSION)
GOVULNCHECK := $(TOOLS_DIR)/govulncheck-$(GOVULNCHECK_VERSION)-$(GOTOOLCHAIN)
VULNDB := $(TOOLS_DIR)/vulndb-$(VULNDB_VERSION)
CHECKOV := $(TOOLS_DIR)/checkov-$(CHECKOV_VERSION)
OAPI_CODEGEN := $(TOOLS_DIR)/oapi-codegen-$(OAPI_CODEGEN_VERSION)
# Redocly CLI and openapi-typescript, at the versions localstack/apitools's lockfile pins.
API_TOOLS := $(TOOLS_DIR)/api-tools-$(shell sha256sum localstack/apitools/package-lock.json 2>/dev/null | cut -c1-12)
SAM := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 $(SAM_VENV)/bin/sam
STEP := localstack/step.sh

# `make run` ports: the API on API_PORT; DynamoDB, SQS and S3 on AWS_PORT and
# the two ports after it.
API_PORT ?= 3000
AWS_PORT ?= 4566

GO_BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
# The largest a function's bootstrap may be (12 MiB); the case functions,
# which render no letters and call no S3, 9 MiB.
MAX_BOOTSTRAP_BYTES := 12582912
MAX_CASE_BOOTSTRAP_BYTES := 9437184
CASE_FUNCTIONS := DisputesFunction AppealsFunction CaseDecisionsFunction
# The Da Vinci PAS door (authorizations), which also writes the documents a
# request carries, 10 MiB: it answers EHRs on their users' time.
MAX_PAS_BOOTSTRAP_BYTES := 10485760

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# ------------------------------------------------------------------ tools
# Each tool installs once per machine, at its pinned version, into
# $(TOOLS_DIR), with a line before and after (and its output in a log there).
$(MOTO)/.installed:
	@$(STEP) moto "moto[server] $(MOTO_VERSION) from PyPI (about a minute)" $(TOOLS_DIR)/moto.log \
	  bash -c 'rm -rf $(MOTO) && $(PYTHON) -m venv $(MOTO) && $(MOTO)/bin/pip install --disable-pip-version-check "moto[server]==$(MOTO_VERSION)"'
	@touch $@

# SeaweedFS serves S3 locally; its go.mod has replace directives, so
# `go install pkg@version` refuses it: build it from its module source. Its
# modules and build cache (several GB) go in a folder of their own, removed
# once the binary is built: only the binary stays.
$(SEAWEEDFS)/.installed:
	@$(STEP) seaweedfs "building SeaweedFS from the Go module proxy (about 5 minutes on 2 cores; about 5 GB while it builds, 0.1 GB after)" $(TOOLS_DIR)/seaweedfs.log \
	  bash -c 'set -e; rm -rf $(SEAWEEDFS); mkdir -p $(SEAWEEDFS); \
	    export GOMODCACHE=$(SEAWEEDFS)/.modcache GOCACHE=$(SEAWEEDFS)/.gocache GOFLAGS=-mod=mod; \
	    src=$$(go mod download -json github.com/seaweedfs/seaweedfs@$(SEAWEEDFS_VERSION) | sed -n "s/.*\"Dir\": \"\(.*\)\".*/\1/p"); \
	    cp -r "$$src" $(SEAWEEDFS)/src && chmod -R u+w $(SEAWEEDFS)/src; \
	    cd $(SEAWEEDFS)/src && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w" -o ../bin/weed ./weed; \
	    cd $(SEAWEEDFS) && go clean -modcache && rm -rf src .gocache'
	@touch $@

$(SAM_VENV)/.installed:
	@$(STEP) sam "aws-sam-cli $(SAM_VERSION) (with cfn-lint) from PyPI (about two minutes)" $(TOOLS_DIR)/sam.log \
	  bash -c 'rm -rf $(SAM_VENV) && $(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install --disable-pip-version-check "aws-sam-cli==$(SAM_VERSION)"'
	@touch $@

$(SCHEMATHESIS)/.installed:
	@$(STEP) schemathesis "schemathesis $(SCHEMATHESIS_VERSION) from PyPI (about a minute)" $(TOOLS_DIR)/schemathesis.log \
	  bash -c 'rm -rf $(SCHEMATHESIS) && $(PYTHON) -m venv $(SCHEMATHESIS) && $(SCHEMATHESIS)/bin/pip install --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)"'
	@touch $@

$(CHECKOV)/.installed:
	@$(STEP) checkov "checkov $(CHECKOV_VERSION) from PyPI (about a minute)" $(TOOLS_DIR)/checkov.log \
	  bash -c 'rm -rf $(CHECKOV) && $(PYTHON) -m venv $(CHECKOV) && $(CHECKOV)/bin/pip install --disable-pip-version-check "checkov==$(CHECKOV_VERSION)"'
	@touch $@

$(GOVULNCHECK)/govulncheck:
	@$(STEP) govulncheck "govulncheck $(GOVULNCHECK_VERSION) from the Go module proxy" $(TOOLS_DIR)/govulncheck.log \
	  env GOBIN=$(GOVULNCHECK) go install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

$(VULNDB)/index/db.json:
	@$(STEP) vulndb "the Go vulnerability database $(VULNDB_VERSION) from the Go module proxy, indexed (about a minute)" $(TOOLS_DIR)/vulndb.log \
	  bash -c 'set -e; rm -rf $(VULNDB); export GOFLAGS=-mod=mod; \
	    src=$$(go mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n "s/.*\"Dir\": \"\(.*\)\".*/\1/p"); \
	    go run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out $(VULNDB)'

$(STATICCHECK)/staticcheck:
	@$(STEP) staticcheck "staticcheck $(STATICCHECK_VERSION) from the Go module proxy" $(TOOLS_DIR)/staticcheck.log \
	  env GOBIN=$(STATICCHECK) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(OAPI_CODEGEN)/oapi-codegen:
	@$(STEP) oapi-codegen "oapi-codegen $(OAPI_CODEGEN_VERSION) from the Go module proxy" $(TOOLS_DIR)/oapi-codegen.log \
	  env GOBIN=$(OAPI_CODEGEN) go install github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@$(OAPI_CODEGEN_VERSION)

$(API_TOOLS)/.installed: localstack/apitools/package.json localstack/apitools/package-lock.json
	@$(STEP) api-tools "Redocly CLI and openapi-typescript from the npm registry (npm ci, pinned by localstack/apitools/package-lock.json)" $(TOOLS_DIR)/api-tools.log \
	  bash -c 'rm -rf $(API_TOOLS) && mkdir -p $(API_TOOLS) && cp localstack/apitools/package.json localstack/apitools/package-lock.json $(API_TOOLS)/ && \
	    cd $(API_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund'
	@touch $@

$(BENCHSTAT)/benchstat:
	@$(STEP) benchstat "benchstat from the Go module proxy" $(TOOLS_DIR)/benchstat.log \
	  env GOBIN=$(BENCHSTAT) go install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

# The web front end's packages, from the npm registry at the versions
# web/package-lock.json pins. --ignore-scripts: no package runs code at
# install (esbuild's and TypeScript's binaries come as packages of their own).
# The stamp is the lockfile's hash, so a changed lockfile reinstalls.
WEB_DEPS := web/node_modules/.lock-$(shell sha256sum web/package-lock.json 2>/dev/null | cut -c1-16)
$(WEB_DEPS): web/package-lock.json web/package.json
	@$(STEP) web-deps "the web front end's packages from the npm registry (npm ci, pinned by web/package-lock.json)" $(TOOLS_DIR)/web-deps.log \
	  bash -c 'cd web && npm ci --ignore-scripts --no-audit --no-fund'
	@touch $@

# Chromium for the browser tests: Debian's package (playwright-core drives
# it; nothing downloads a browser). Debian's security archive keeps only the
# current build, so the package is not pinned to a version: the tests print
# the version they ran.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	@$(STEP) chromium "Chromium from Debian's packages (apt-get)" $(TOOLS_DIR)/chromium.log \
	  bash -c '$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium'

RUN_TOOLS := $(MOTO)/.installed $(SEAWEEDFS)/.installed
ALL_TOOLS := $(RUN_TOOLS) $(SAM_VENV)/.installed $(STATICCHECK)/staticcheck $(BENCHSTAT)/benchstat $(SCHEMATHESIS)/.installed \
  $(GOVULNCHECK)/govulncheck $(VULNDB)/index/db.json $(CHECKOV)/.installed $(OAPI_CODEGEN)/oapi-codegen $(API_TOOLS)/.installed

.PHONY: tools run-tools
tools: ## Install the local servers, SAM CLI, the linters, Schemathesis, the web packages and Chromium, in parallel
	@$(MAKE) --no-print-directory -s -j4 $(ALL_TOOLS) $(WEB_DEPS) $(CHROMIUM)
run-tools:
	@$(MAKE) --no-print-directory -s -j2 $(RUN_TOOLS)

# ------------------------------------------------------------------ run
.PHONY: run
# The runner is built, then run, so that its own exit status (0 on Ctrl-C)
# is the one make sees.
run: run-tools web ## Run the whole stack and the portal locally with sample data (API_PORT=3000 AWS_PORT=4566; Ctrl-C stops it)
	@go build -o localstack/.state/bin/portal-local ./localstack/portal-local
	@localstack/.state/bin/portal-local up -addr 127.0.0.1:$(API_PORT) -aws-port $(AWS_PORT)

.PHONY: decide-case
decide-case: ## Post the appeals system's message on a dispute or appeal to the local case-decisions queue (CASE=AP-XXXX-XXXX OUTCOME=upheld)
	@go run ./localstack/portal-local decide-case -id $(CASE) -outcome $(or $(OUTCOME),upheld) -aws-port $(AWS_PORT)

.PHONY: decide
decide: ## Post a decision on a retro authorization request to the local decisions queue (RA=RA-XXXX-XXXX STATUS=approved)
	@go run ./localstack/portal-local decide -id $(RA) -status $(or $(STATUS),approved) -aws-port $(AWS_PORT)

.PHONY: pas-request
pas-request: ## Print a Da Vinci PAS request Bundle for the local sample data (the PAS package's medical services example, mapped; DOCUMENT=note.pdf carries that file inside it)
	@go run ./localstack/portal-local pas-request $(if $(DOCUMENT),-document "$(DOCUMENT)")

.PHONY: system-token
system-token: ## Print an access token of a sample system for the FHIR routes, got by SMART Backend Services from the running portal (SYSTEM=kentucky-clearinghouse SCOPE=system/Claim.r)
	@go run ./localstack/portal-local system-token $(if $(SYSTEM),-client $(SYSTEM)) $(if $(SCOPE),-scope "$(SCOPE)") -portal http://127.0.0.1:$(API_PORT)

.PHONY: token
token: ## Print a development token (TIN=222222222 for the second sample provider)
	@go run ./localstack/portal-local token $(if $(TIN),-tin $(TIN))

# ------------------------------------------------------------------ web
# The portal's API types, generated from the OpenAPI document (not kept in
# git): web/src/types.ts names them, so the portal stops compiling when the
# document and the portal drift apart.
WEB_API_TYPES := web/src/api.gen.d.ts
$(WEB_API_TYPES): shared/openapi/openapi.yaml $(API_TOOLS)/.installed
	$(API_TOOLS)/node_modules/.bin/openapi-typescript shared/openapi/openapi.yaml -o $@

.PHONY: web web-check screenshots
web: $(WEB_DEPS) $(WEB_API_TYPES) ## Build the portal's web front end to web/dist
	@cd web && node build.mjs

web-check: $(WEB_DEPS) $(WEB_API_TYPES) ## Type-check the web front end (TypeScript, strict), and test its deploy script
	cd web && npx --no-install tsc --noEmit -p .
	$(PYTHON) -m unittest web/deploy_test.py

screenshots: run-tools web $(CHROMIUM) ## Take the README's screenshots again, into web/screenshots/
	SCREENSHOTS=$(CURDIR)/web/screenshots go test -count=1 -run TestBrowser ./localstack/webtest

# ------------------------------------------------------------------ test
.PHONY: test
test: tools client lint api-lint vulncheck checkov web-check web ## Run every test: unit, integration against the local stack, end to end, with the race detector; SAM validate and build
	# One package at a time: three of them start a whole local stack (moto,
	# SeaweedFS, the functions) and two drive Chromium or Schemathesis
	# against it; side by side on two cores under the race detector, a
	# browser test waited out its 30 s on a loaded stack (seen once in CI).
	go test -race -count=1 -p 1 ./...
	$(MAKE) sam-validate sam-build

# The Go client a mobile team would generate from the OpenAPI document (not
# kept in git): the end-to-end tests drive the whole journey through it.
CLIENT := localstack/apiclient/apiclient.gen.go
.PHONY: client
client: $(CLIENT) ## Generate the Go client from the OpenAPI document (oapi-codegen, pinned)
$(CLIENT): shared/openapi/openapi.yaml localstack/apiclient/oapi-codegen.yaml $(OAPI_CODEGEN)/oapi-codegen
	$(OAPI_CODEGEN)/oapi-codegen -config localstack/apiclient/oapi-codegen.yaml shared/openapi/openapi.yaml

.PHONY: api-lint
api-lint: $(API_TOOLS)/.installed ## Lint the OpenAPI document with Redocly CLI (recommended-strict; localstack/apitools/redocly.yaml)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(API_TOOLS)/node_modules/.bin/redocly lint \
	  --config localstack/apitools/redocly.yaml shared/openapi/openapi.yaml

.PHONY: checkov
checkov: $(CHECKOV)/.installed ## checkov on template.yaml: each skipped check sits next to its resource with the reason
	$(CHECKOV)/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download

.PHONY: vulncheck
vulncheck: $(GOVULNCHECK)/govulncheck $(VULNDB)/index/db.json $(CLIENT) ## govulncheck against the pinned, offline Go vulnerability database
	$(GOVULNCHECK)/govulncheck -db file://$(VULNDB) ./...

.PHONY: lint
lint: $(STATICCHECK)/staticcheck $(CLIENT) ## gofmt, go vet and staticcheck
	@unformatted=$$(gofmt -l functions shared localstack); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	$(STATICCHECK)/staticcheck ./...

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
	@for fn in $(CASE_FUNCTIONS); do f=.aws-sam/build/$$fn/bootstrap; size=$$(stat -c %s "$$f"); \
	  if [ "$$size" -gt $(MAX_CASE_BOOTSTRAP_BYTES) ]; then echo "$$f is over 9 MiB"; exit 1; fi; \
	done
	@f=.aws-sam/build/AuthorizationsFunction/bootstrap; size=$$(stat -c %s "$$f"); \
	  if [ "$$size" -gt $(MAX_PAS_BOOTSTRAP_BYTES) ]; then echo "$$f is over 10 MiB"; exit 1; fi

# ENV is a samconfig.toml environment; PARAMS overrides template parameters,
# such as JwtIssuer=https://cognito-idp.... JwtAudience=... PortalOrigin=https://...
ENV ?= default
.PHONY: deploy deploy-web
deploy: sam-build ## Deploy with SAM (ENV=default or prod; PARAMS="Name=value ...")
	$(SAM) deploy --config-env $(ENV) $(if $(PARAMS),--parameter-overrides $(PARAMS))

# The stack's name and region, as samconfig.toml gives them for ENV.
SAM_STACK = $(shell awk -v env="[$(ENV).global.parameters]" '$$0==env{f=1;next} /^\[/{f=0} f&&/^stack_name/{gsub(/"/,"",$$3);print $$3}' samconfig.toml)
SAM_REGION = $(shell awk -v env="[$(ENV).deploy.parameters]" '$$0==env{f=1;next} /^\[/{f=0} f&&/^region/{gsub(/"/,"",$$3);print $$3}' samconfig.toml)
deploy-web: web $(SAM_VENV)/.installed ## Publish the portal's web files and /config.json to the deployed stack (ENV=default or prod)
	$(SAM_VENV)/bin/python web/deploy.py $(SAM_STACK) $(SAM_REGION)

.PHONY: benchstat-path
benchstat-path: $(BENCHSTAT)/benchstat
	@echo $(BENCHSTAT)/benchstat

.PHONY: bench
bench: $(RUN_TOOLS) $(BENCHSTAT)/benchstat $(CLIENT) web $(CHROMIUM) ## Run the benchmarks: shared/ in process, then through the local stack
	go test -run '^$$' -bench . -benchmem ./shared/...
	go test -run '^$$' -bench 'Search|Detail|DocumentsList|Worklist|UploadToVisible|ColdStart|RetroSubmit|PASSubmit|SystemToken|DecisionToVisible|CaseSubmit|SubmitToAcknowledgement' -benchmem -benchtime 50x ./localstack/...
	go test -run '^$$' -bench ConcurrentUploaders -benchtime 1x ./localstack/...
	go test -run '^$$' -bench NotFound -benchtime 60x ./localstack/e2e
	go test -run '^$$' -bench CallsPer -benchtime 20x ./localstack/...
	go test -run '^$$' -bench Portal -benchtime 20x ./localstack/webtest

# ------------------------------------------------------------------ SAM makefile builder
# `sam build` calls build-<LogicalId> with ARTIFACTS_DIR set.
define lambda-build
	cd $(or $(PROJECT_ROOT),.) && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build $(GO_BUILD_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)
endef

.PHONY: build-ClaimsFunction build-ClaimsIngestFunction build-UploadsFunction build-AttachmentsFunction build-AttachmentProcessorFunction build-DocumentEventsFunction build-UploadExpiryFunction \
  build-AuthorizationsFunction build-AuthorizationEventsFunction build-AuthorizationDecisionsFunction
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
build-DocumentEventsFunction:
	$(call lambda-build,documentevents)
build-UploadExpiryFunction:
	$(call lambda-build,uploadexpiry)
build-AuthorizationsFunction:
	$(call lambda-build,authorizations)
build-AuthorizationEventsFunction:
	$(call lambda-build,authorizationevents)
build-AuthorizationDecisionsFunction:
	$(call lambda-build,authorizationdecisions)
build-DisputesFunction:
	$(call lambda-build,disputes)
build-AppealsFunction:
	$(call lambda-build,appeals)
build-LettersFunction:
	$(call lambda-build,letters)
build-CaseEventsFunction:
	$(call lambda-build,caseevents)
build-CaseDecisionsFunction:
	$(call lambda-build,casedecisions)
build-PriorAuthMetricsFunction:
	$(call lambda-build,priorauthmetrics)
build-SystemAuthFunction:
	$(call lambda-build,systemauth)
build-NotificationsFunction:
	$(call lambda-build,notifications)

.PHONY: clean
clean: ## Remove build output and local state (not the tools cache)
	rm -rf .aws-sam localstack/.state

.PHONY: localstack-bin
localstack-bin: ## Build the provisioner for the LocalStack container's init hook
	GOOS=linux CGO_ENABLED=0 go build -trimpath -o localstack/.state/bin/portal-local ./localstack/portal-local
