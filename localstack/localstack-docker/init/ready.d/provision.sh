#!/bin/bash
# LocalStack ready hook: provision template.yaml's tables, queues and bucket
# with the project's own provisioner (built by `make localstack-bin`).
set -euo pipefail
cd /opt/portal
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  ./portal-local provision -endpoint http://localhost:4566 -template /opt/portal/template.yaml
