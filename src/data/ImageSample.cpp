#include "data/ImageSample.hpp"

#include <algorithm>

#include "core/Error.hpp"
#include "core/Rng.hpp"

namespace pk {

std::vector<std::int64_t> stratifiedCounts(std::int64_t count, std::int64_t classes) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(classes), count / classes);
  for (std::int64_t c = 0; c < count % classes; ++c) ++counts[static_cast<std::size_t>(c)];
  return counts;
}

ClassSample sampleClasses(const std::vector<std::uint8_t>& labels, const std::vector<std::int64_t>& classes,
                          std::int64_t count, std::uint64_t seed, const std::string& source) {
  PK_ASSERT(!classes.empty(), "sampleClasses: no classes");
  std::vector<std::vector<std::int64_t>> members(classes.size());
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const auto found = std::find(classes.begin(), classes.end(), static_cast<std::int64_t>(labels[r]));
    if (found != classes.end())
      members[static_cast<std::size_t>(found - classes.begin())].push_back(static_cast<std::int64_t>(r));
  }
  for (std::size_t c = 0; c < classes.size(); ++c)
    PK_REQUIRE(!members[c].empty(), "class " + std::to_string(classes[c]) + " does not occur in " + source);

  std::vector<std::pair<std::int64_t, std::int64_t>> kept;  // (row, renumbered class)
  Rng rng(seed);
  const auto counts = stratifiedCounts(count, static_cast<std::int64_t>(classes.size()));
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto& rows = members[c];
    const auto have = static_cast<std::int64_t>(rows.size());
    std::int64_t take = have;
    std::vector<std::int64_t> order;
    if (count > 0) {
      take = counts[c];
      PK_REQUIRE(take <= have, "class " + std::to_string(classes[c]) + " has " + std::to_string(have) +
                                   " examples in " + source + ", but the sample needs " + std::to_string(take));
      order = rng.permutation(have);  // one generator, drawn class after class in the order given
    }
    for (std::int64_t j = 0; j < take; ++j) {
      const std::int64_t row = count > 0 ? rows[static_cast<std::size_t>(order[static_cast<std::size_t>(j)])]
                                         : rows[static_cast<std::size_t>(j)];
      kept.emplace_back(row, static_cast<std::int64_t>(c));
    }
  }
  std::sort(kept.begin(), kept.end());
  ClassSample sample;
  for (const auto& [row, label] : kept) {
    sample.rows.push_back(row);
    sample.labels.push_back(label);
  }
  return sample;
}

}  // namespace pk
