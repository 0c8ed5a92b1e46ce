#pragma once
// One table of {value, name} pairs per enumeration, so that parsing, printing
// and the "allowed: ..." list of an error message cannot disagree.
#include <cstddef>
#include <string>
#include <utility>

namespace pk {

template <typename Enum, std::size_t Count>
using NameTable = std::pair<Enum, const char*>[Count];

/// The entry's value for `name`, or null when no entry has that name.
template <typename Enum, std::size_t Count>
const Enum* findByName(const NameTable<Enum, Count>& table, const std::string& name) {
  for (const auto& entry : table)
    if (name == entry.second) return &entry.first;
  return nullptr;
}

/// The name of `value` ("?" for a value outside the table).
template <typename Enum, std::size_t Count>
std::string nameOf(const NameTable<Enum, Count>& table, Enum value) {
  for (const auto& entry : table)
    if (entry.first == value) return entry.second;
  return "?";
}

/// "a, b, c": the names in table order, for messages.
template <typename Enum, std::size_t Count>
std::string nameList(const NameTable<Enum, Count>& table) {
  std::string list;
  for (const auto& entry : table) list += (list.empty() ? "" : ", ") + std::string(entry.second);
  return list;
}

}  // namespace pk
