#!/usr/bin/env bash
# Lints every .proto under proto/src/main/proto/ with buf's STANDARD rules (proto/src/main/proto/buf.yaml).
# Installs the pinned buf from npm on first use; `./mvnw verify` runs this in the proto module.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -x "$here/node_modules/.bin/buf" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$root/proto/src/main/proto"
"$here/node_modules/.bin/buf" lint
echo "buf lint: proto/ is clean"
