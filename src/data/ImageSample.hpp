#pragma once
// Which rows of an image set a data file keeps (pathkernel data): the examples
// of chosen classes, renumbered 0.. in the order the classes are given, and
// optionally a seeded, class-stratified sample of them.
#include <cstdint>
#include <string>
#include <vector>

namespace pk {

struct ClassSample {
  std::vector<std::int64_t> rows;    // indices into the source, ascending
  std::vector<std::int64_t> labels;  // the renumbered class of each kept row
};

/// Not collective. Keeps the examples whose label is one of `classes`; with
/// count > 0 a stratified sample of `count`: count / k examples of each of the
/// k classes, plus one for each of the first count % k classes in the order
/// given, chosen by a permutation of the class's examples drawn from a
/// generator seeded with `seed`. Throws InputError when a class does not occur
/// in `labels` or has too few examples; `source` names the labels in messages.
ClassSample sampleClasses(const std::vector<std::uint8_t>& labels, const std::vector<std::int64_t>& classes,
                          std::int64_t count, std::uint64_t seed, const std::string& source);

/// Examples per class of a stratified sample of `count` over `classes` classes.
std::vector<std::int64_t> stratifiedCounts(std::int64_t count, std::int64_t classes);

}  // namespace pk
