// Package e2e holds the browser tests: they build the real garage binary,
// start it on a fresh database and a free port, and drive Debian's Chromium
// through chromedp as a visitor or a member of staff would.
//
// Without Chromium the tests are skipped, except with CI=true where they
// fail: scripts/test.sh installs Chromium in CI.
package e2e
