#!/usr/bin/env bash
# Regenerates the benchmark messages: Sources/BenchMessages with the project's plugin and
# Sources/SwiftProtobufMessages with swift-protobuf's protoc-gen-swift, from the same .proto files.
# protoc-gen-swift is built from the swift-protobuf checkout this package resolves (a release
# build takes a few minutes the first time).
set -euo pipefail
cd "$(dirname "$0")"

(cd .. && swift build --product protoc-gen-support >/dev/null)
support_plugin="$(cd .. && swift build --show-bin-path)/protoc-gen-support"
swift package resolve >/dev/null
swift build -c release --package-path .build/checkouts/swift-protobuf --product protoc-gen-swift >/dev/null
swift_plugin=".build/checkouts/swift-protobuf/.build/release/protoc-gen-swift"

includes=(-I Protos -I ../proto -I /usr/include)
modules="module=support.bench.v1:BenchMessages,module=support.orders.v1:OrdersAPI,module=support.common.v1:CommonAPI"
tmp=$(mktemp -d)
protoc --plugin=protoc-gen-support="$support_plugin" "${includes[@]}" --support_opt="$modules" \
  --support_out="$tmp" Protos/support/bench/v1/bench.proto
find "$tmp" -name '*.swift' -exec mv {} Sources/BenchMessages/ \;
protoc --plugin=protoc-gen-swift="$swift_plugin" "${includes[@]}" --swift_opt=Visibility=Public \
  --swift_out="$tmp" Protos/support/bench/v1/bench.proto ../proto/support/orders/v1/orders.proto \
  ../proto/support/common/v1/common.proto
find "$tmp" -name '*.swift' -exec mv {} Sources/SwiftProtobufMessages/ \;
rm -rf "$tmp"
