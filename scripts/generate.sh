#!/usr/bin/env bash
# Regenerates every committed Swift file that comes from a .proto file, with protoc and the
# project's own plugin (protoc-gen-support). Run through `make generate`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Output directories are package targets: they must exist before the plugin can be built.
mkdir -p Tests/WireFixtures Tests/CodeGenFixtures Shared/InteropAPI Shared/HealthAPI Shared/ReflectionV1API Shared/ReflectionV1AlphaAPI Shared/CommonAPI Services/{Orders/OrdersAPI,Returns/ReturnsAPI,Refunds/RefundsAPI,Inquiries/InquiriesAPI,Oversight/OversightAPI}
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
modules="$modules,module=support.codegen.v1:CodeGenFixtures,module=support.codegen.other.v1:CodeGenFixtures"
modules="$modules,module=grpc.testing:InteropAPI,module=grpc.health.v1:HealthAPI"
modules="$modules,module=grpc.reflection.v1:ReflectionV1API,module=grpc.reflection.v1alpha:ReflectionV1AlphaAPI"
grpc_protos=/usr/share/grpc-proto

# The well-known types' Swift code is written by hand in Wire; only their descriptors are generated.
tmp=$(mktemp -d)
protoc --plugin=protoc-gen-support="$plugin" -I "$wkt" --support_opt=descriptors_only=true --support_out="$tmp" \
  "$wkt"/google/protobuf/timestamp.proto "$wkt"/google/protobuf/duration.proto
mkdir -p Shared/Wire/WellKnownTypes
rm -f Shared/Wire/WellKnownTypes/*.pb.swift
find "$tmp" -name '*.pb.swift' -exec mv {} Shared/Wire/WellKnownTypes/ \;
rm -rf "$tmp"

generate Tests/WireFixtures Tests/Protos "$modules" Tests/Protos/support/testing/v1/wire_test.proto
# The code generator's corpus of tricky shapes: its committed output is what CodeGenTests expects.
generate Tests/CodeGenFixtures Tests/Protos "$modules" Tests/Protos/support/codegen/v1/tricky.proto \
  Tests/Protos/support/codegen/other/v1/other.proto
generate Shared/InteropAPI "$grpc_protos" "$modules" "$grpc_protos"/grpc/testing/{empty,messages,test}.proto
generate Shared/HealthAPI "$grpc_protos" "$modules" "$grpc_protos"/grpc/health/v1/health.proto
generate Shared/ReflectionV1API "$grpc_protos" "$modules" "$grpc_protos"/grpc/reflection/v1/reflection.proto
generate Shared/ReflectionV1AlphaAPI "$grpc_protos" "$modules" "$grpc_protos"/grpc/reflection/v1alpha/reflection.proto
for service in common:Shared/CommonAPI orders:Services/Orders/OrdersAPI returns:Services/Returns/ReturnsAPI \
  refunds:Services/Refunds/RefundsAPI inquiries:Services/Inquiries/InquiriesAPI \
  oversight:Services/Oversight/OversightAPI; do
  name=${service%%:*}
  dir=${service#*:}
  if [ -d "proto/support/$name" ]; then
    generate "$dir" proto "$modules" proto/support/"$name"/v1/*.proto
  fi
done
