// Options from the command line and an INI file: the command line wins, a
// command reads the keys before any section and its own section only, and a
// stray word or a malformed file is one clear InputError.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "core/Options.hpp"

namespace po = boost::program_options;

namespace pk::test {
namespace {

struct Parsed {
  double lr = 0.0;
  std::int64_t steps = 0;
  std::string config;
};

Parsed parse(const std::vector<std::string>& words, const std::string& command) {
  Parsed p;
  po::options_description d;
  d.add_options()("lr", po::value(&p.lr)->default_value(1.0))("steps", po::value(&p.steps)->default_value(1))(
      "config", po::value(&p.config));
  std::vector<const char*> argv{command.c_str()};
  for (const auto& w : words) argv.push_back(w.c_str());
  po::variables_map vm;
  parseOptions(static_cast<int>(argv.size()), argv.data(), d, vm, command);
  return p;
}

std::string writeIni(const std::string& name, const std::string& text) {
  const std::string path = tempPath(name);
  if (rank() == 0) std::ofstream(path) << text;
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

TEST(Options, IniSectionsPerCommandAndTheCommandLineWins) {
  const std::string ini = writeIni("sections.ini", "lr = 0.5\n[train]\nsteps = 7\n[converge]\nsteps = 9\nlr = 3\n");
  const Parsed train = parse({"--config", ini}, "train");
  EXPECT_EQ(train.lr, 0.5);
  EXPECT_EQ(train.steps, 7);
  const Parsed converge = parse({"--config", ini}, "converge");
  EXPECT_EQ(converge.lr, 3.0);
  EXPECT_EQ(converge.steps, 9);
  const Parsed given = parse({"--config", ini, "--steps", "11"}, "train");
  EXPECT_EQ(given.steps, 11);
}

TEST(Options, BadInputIsOneInputError) {
  EXPECT_THROW(parse({"--lr", "fast"}, "train"), InputError);
  EXPECT_THROW(parse({"--lr", "1", "2"}, "train"), InputError);
  EXPECT_THROW(parse({"--rate", "1"}, "train"), InputError);
  EXPECT_THROW(parse({"--config", tempPath("absent.ini")}, "train"), InputError);
  EXPECT_THROW(parse({"--config", writeIni("open.ini", "[train\nlr = 1\n")}, "train"), InputError);
}

// Checked numbers: a malformed value is recorded (the variable keeps its default) and the
// parse goes on, so it can be reported with every other problem; defaulted options are not "given".
TEST(Options, MalformedNumbersAreCollectedAndGivenOptionsKnown) {
  double lr = 0.25;
  std::int64_t steps = 3, seed = 1;
  std::vector<std::string> problems;
  po::options_description d;
  d.add_options()("lr", checkedValue(&lr, &problems, "lr")->default_value(lr))(
      "steps", checkedValue(&steps, &problems, "steps")->default_value(steps))(
      "seed", checkedValue(&seed, &problems, "seed")->default_value(seed))("config", po::value<std::string>());
  const std::string ini = writeIni("numbers.ini", "seed = 5\n");
  std::vector<const char*> argv{"train", "--lr", "fast", "--steps", "1.5", "--config", ini.c_str()};
  po::variables_map vm;
  parseOptions(static_cast<int>(argv.size()), argv.data(), d, vm, "train");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "--lr 'fast' is not a number");
  EXPECT_EQ(problems[1], "--steps '1.5' is not a whole number");
  EXPECT_EQ(lr, 0.25);
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(seed, 5);
  auto given = givenOptions(vm);
  std::sort(given.begin(), given.end());
  EXPECT_EQ(given, (std::vector<std::string>{"config", "lr", "seed", "steps"}));
}

}  // namespace
}  // namespace pk::test
