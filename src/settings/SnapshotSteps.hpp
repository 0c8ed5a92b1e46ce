#pragma once
// When the tangent kernel is kept during training (docs/THEORY.md, Kernel
// dynamics): a list of steps "0,10,100", or "log:K": step 0 and the distinct
// values round(S^(j/(K-1))), j = 1..K-1, of a run of S steps.
#include <cstdint>
#include <string>
#include <vector>

namespace pk {

class SnapshotSteps {
 public:
  SnapshotSteps() = default;  // none
  /// "" (none), "0,10,100" or "log:K" (K >= 2); throws InputError otherwise.
  static SnapshotSteps parse(const std::string& text);
  /// The form parse() reads and the run file stores.
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }
  /// The steps for a run of `steps` steps, ascending and distinct. Throws InputError
  /// for a listed step beyond `steps`.
  std::vector<std::int64_t> resolve(std::int64_t steps) const;

 private:
  std::string text_;
  std::int64_t logPoints_ = 0;        // K of log:K, 0 for a list
  std::vector<std::int64_t> listed_;  // the list
};

}  // namespace pk
