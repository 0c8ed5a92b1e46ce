// pathkernel bench: placeholder replaced below
#include "Commands.hpp"
namespace pk::cli {
int bench(int, char**, int) { return 1; }
}
