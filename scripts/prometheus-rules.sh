#!/usr/bin/env bash
# The Prometheus rules in deploy/prometheus: `promtool check rules` (syntax, names, templates) and
# `promtool test rules` (each alert firing and not firing on synthetic series). promtool comes
# with Debian's `prometheus` package (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/../deploy/prometheus"
promtool check rules support-rules.yml
promtool test rules support-rules.test.yml
