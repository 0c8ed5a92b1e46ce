// File names: one file under several spellings, and names of results beside a run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/FilePath.hpp"
#include "core/Text.hpp"

namespace pk::test {
namespace {

namespace fs = std::filesystem;

// A folder of this process's own (every rank runs the test), removed at the end.
struct OwnFolder {
  fs::path path = fs::temp_directory_path() / ("pk_filepath_" + std::to_string(::getpid()));
  OwnFolder() { fs::create_directories(path / "sub"); }
  ~OwnFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

TEST(FilePath, OneFileUnderEverySpelling) {
  OwnFolder folder;
  const std::string run = (folder.path / "run.h5").string();
  std::ofstream(run) << "x";
  fs::create_symlink(run, folder.path / "link.h5");
  EXPECT_TRUE(samePath(run, run));
  EXPECT_TRUE(samePath(run, (folder.path / "." / "run.h5").string()));
  EXPECT_TRUE(samePath(run, (folder.path / "sub" / ".." / "run.h5").string()));
  EXPECT_TRUE(samePath(run, (folder.path / "link.h5").string()));
  // A file not written yet (an --out) is compared by its name as it would be.
  EXPECT_TRUE(samePath((folder.path / "new.h5").string(), (folder.path / "sub" / ".." / "new.h5").string()));
  EXPECT_FALSE(samePath(run, (folder.path / "sub" / "run.h5").string()));
  EXPECT_FALSE(samePath(run, ""));
  EXPECT_FALSE(samePath("", ""));
}

TEST(FilePath, ResultsBesideTheRun) {
  EXPECT_EQ(besideRunFile("runs/a.h5", ".krr.h5"), "runs/a.krr.h5");
  EXPECT_EQ(besideRunFile("a", ".krr.h5"), "a.krr.h5");
  EXPECT_EQ(besideRunFile(".h5", ".krr.h5"), ".h5.krr.h5");
}

TEST(Text, CommaSeparatedItems) {
  EXPECT_EQ(splitList("a,b,,c"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(splitList("a,"), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(splitList("").empty());
  EXPECT_EQ(formatNumber("%.3g", 0.000123456), "0.000123");
  EXPECT_EQ(shortestNumber(0.1), "0.1");
  EXPECT_EQ(shortestNumber(0.3), "0.3");
  EXPECT_EQ(shortestNumber(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(std::strtod(shortestNumber(0.1 + 0.2).c_str(), nullptr), 0.1 + 0.2);
}

}  // namespace
}  // namespace pk::test
