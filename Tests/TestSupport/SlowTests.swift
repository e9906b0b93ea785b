import Foundation
import Testing

extension Tag {
  /// Suites that take ten seconds or more, or start a browser: random kills, resume, the server
  /// under load, the page in Chromium. `make test` runs them; `make test-fast` (DIGITS_FAST=1)
  /// skips them, through `skippedWhenFast`. The mutation batteries (IDXMutationTests,
  /// ImageMutationTests, safeTensorsSurvivesCorruption) are not slow: under half a second each.
  @Tag public static var slow: Self
}

extension Trait where Self == ConditionTrait {
  /// Goes with `.tags(.slow)`. Swift 6.3's `swift test` cannot skip a tag (`--skip` and
  /// `--filter` match test names only), so the slow suites are skipped when DIGITS_FAST=1.
  public static var skippedWhenFast: Self {
    .disabled(if: ProcessInfo.processInfo.environment["DIGITS_FAST"] == "1", "slow: DIGITS_FAST=1 skips it")
  }
}
