// Options from the command line and an INI file: the command line wins, a
// command reads the keys before any section and its own section only, and a
// stray word or a malformed file is one clear InputError.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pk::test
