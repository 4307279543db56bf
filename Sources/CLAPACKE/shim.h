// The only C in RiskEngine: OpenBLAS (CBLAS) and LAPACKE, reached through pkg-config "openblas".
// Debian puts cblas.h under the multiarch OpenBLAS include folder (pkg-config gives it) and ships
// LAPACKE separately (liblapacke-dev), hence the two links in module.modulemap. malloc.h gives the
// allocator tuning (mallopt) that the compute runtime sets for chunked scoring.
#include <cblas.h>
#include <lapacke.h>

// OpenBLAS (pthreads build) starts its server threads when the library loads; each spins on
// sched_yield for about 2^28 cycles (~0.1 s) before it sleeps. This stops them; OpenBLAS starts
// them again when a call needs more than one thread. Declared weak: builds without the server
// (serial OpenBLAS) lack the symbol and the call does nothing.
int blas_thread_shutdown_(void) __attribute__((weak));
static inline void riskengine_blas_stop_server_threads(void) {
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
#if defined(__GLIBC__)
#include <malloc.h>
#endif
