// The only C in RiskEngine: OpenBLAS (CBLAS) and LAPACKE, reached through pkg-config "openblas".
// Debian puts cblas.h under the multiarch OpenBLAS include folder (pkg-config gives it) and ships
// LAPACKE separately (liblapacke-dev), hence the two links in module.modulemap. malloc.h gives the
// allocator tuning (mallopt) that the compute runtime sets for chunked scoring.
#include <cblas.h>
#include <lapacke.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
