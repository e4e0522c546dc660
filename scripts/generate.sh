#!/usr/bin/env bash
# Regenerates every committed Swift file that comes from a .proto file, with protoc and the
# project's own plugin (protoc-gen-support). Run through `make generate`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Output directories are package targets: they must exist before the plugin can be built.
mkdir -p Tests/WireFixtures Shared/InteropAPI Shared/CommonAPI Services/{Orders/OrdersAPI,Returns/ReturnsAPI,Refunds/RefundsAPI,Inquiries/InquiriesAPI,Oversight/OversightAPI}
swift build --product protoc-gen-support >/dev/null
plugin="$(swift build --show-bin-path)/protoc-gen-support"
wkt=/usr/include

# generate OUTPUT_DIR PROTO_ROOT OPTIONS FILE...
generate() {
  local out=$1 root=$2 options=$3
  shift 3
  rm -f "$out"/*.pb.swift
  mkdir -p "$out"
  local tmp
  tmp=$(mktemp -d)
  protoc --plugin=protoc-gen-support="$plugin" -I "$root" -I "$wkt" --support_opt="$options" --support_out="$tmp" "$@"
  find "$tmp" -name '*.pb.swift' -exec mv {} "$out"/ \;
  rm -rf "$tmp"
}

modules="module=support.common.v1:CommonAPI,module=support.orders.v1:OrdersAPI,module=support.returns.v1:ReturnsAPI"
modules="$modules,module=support.refunds.v1:RefundsAPI,module=support.inquiries.v1:InquiriesAPI"
modules="$modules,module=support.oversight.v1:OversightAPI,module=support.testing.v1:WireFixtures"
modules="$modules,module=grpc.testing:InteropAPI"
grpc_protos=/usr/share/grpc-proto

generate Tests/WireFixtures Tests/Protos "$modules" Tests/Protos/support/testing/v1/wire_test.proto
generate Shared/InteropAPI "$grpc_protos" "$modules" "$grpc_protos"/grpc/testing/{empty,messages,test}.proto
for service in common:Shared/CommonAPI orders:Services/Orders/OrdersAPI returns:Services/Returns/ReturnsAPI \
  refunds:Services/Refunds/RefundsAPI inquiries:Services/Inquiries/InquiriesAPI \
  oversight:Services/Oversight/OversightAPI; do
  name=${service%%:*}
  dir=${service#*:}
  if [ -d "proto/support/$name" ]; then
    generate "$dir" proto "$modules" proto/support/"$name"/v1/*.proto
  fi
done
