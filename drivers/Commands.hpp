#pragma once
// The subcommands of the pathkernel program. Each returns the exit status.
namespace pk::cli {
int train(int argc, char** argv, int rank);
int bench(int argc, char** argv, int rank);
int krr(int argc, char** argv, int rank);
int explain(int argc, char** argv, int rank);
int converge(int argc, char** argv, int rank);
int replay(int argc, char** argv, int rank);
int predict(int argc, char** argv, int rank);
int dynamics(int argc, char** argv, int rank);
int validate(int argc, char** argv, int rank);
int data(int argc, char** argv, int rank);
}  // namespace pk::cli
