// The OpenBLAS entry points the engine uses (Debian's libopenblas0 / libopenblas-dev), as
// function-pointer types: Kernels opens the library at run time (see OpenBLAS.swift) so that it
// can set OpenBLAS's environment before the library's constructor reads it.
#ifndef DIGITS_CBLAS_SHIM_H
#define DIGITS_CBLAS_SHIM_H

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };

typedef void (*digits_cblas_sgemm)(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA,
                                   enum CBLAS_TRANSPOSE transB, int m, int n, int k, float alpha,
                                   const float *a, int lda, const float *b, int ldb, float beta,
                                   float *c, int ldc);
typedef void (*digits_openblas_set_num_threads)(int threads);
typedef int (*digits_openblas_get_num_threads)(void);

#endif
