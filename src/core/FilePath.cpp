#include "core/FilePath.hpp"

#include <filesystem>
#include <system_error>

namespace pk {

bool samePath(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  std::error_code errorA, errorB;
  const auto canonicalA = std::filesystem::weakly_canonical(a, errorA);
  const auto canonicalB = std::filesystem::weakly_canonical(b, errorB);
  return !errorA && !errorB && canonicalA == canonicalB;
}

std::string besideRunFile(const std::string& run, const std::string& suffix) {
  const std::string h5 = ".h5";
  const bool endsH5 = run.size() > h5.size() && run.compare(run.size() - h5.size(), h5.size(), h5) == 0;
  return (endsH5 ? run.substr(0, run.size() - h5.size()) : run) + suffix;
}

}  // namespace pk
