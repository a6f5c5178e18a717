#!/usr/bin/env bash
# Prints the GitHub Pages URL of a repository, with a trailing slash, so the deploy workflow
# needs no edits in a fork:  pages-base-url.sh OWNER REPO [OVERRIDE]
#   owner/repo            -> https://owner.github.io/repo/
#   owner/owner.github.io -> https://owner.github.io/      (a user or organisation site)
#   OVERRIDE (e.g. the PAGES_BASE_URL repository variable, for a custom domain) wins when set.
set -euo pipefail
owner="${1:?usage: pages-base-url.sh OWNER REPO [OVERRIDE]}"
repo="${2:?usage: pages-base-url.sh OWNER REPO [OVERRIDE]}"
override="${3:-}"
if [ -n "$override" ]; then
  echo "${override%/}/"
  exit 0
fi
host="$(printf '%s' "$owner" | tr '[:upper:]' '[:lower:]').github.io"
if [ "$(printf '%s' "$repo" | tr '[:upper:]' '[:lower:]')" = "$host" ]; then
  echo "https://$host/"
else
  echo "https://$host/$repo/"
fi
