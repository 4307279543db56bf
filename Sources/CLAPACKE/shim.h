// The only C in RiskEngine: OpenBLAS (CBLAS) and LAPACKE, reached through pkg-config "openblas".
// Debian puts cblas.h under the multiarch OpenBLAS include folder (pkg-config gives it) and ships
// LAPACKE separately (liblapacke-dev), hence the two links in module.modulemap.
#include <cblas.h>
#include <lapacke.h>
