// The two OpenBLAS entry points the engine uses (Debian's libopenblas-dev).
// Declared here rather than including <cblas.h>, whose path differs between
// Debian's openblas-pthread / openblas-openmp variants.
#ifndef DIGITS_CBLAS_SHIM_H
#define DIGITS_CBLAS_SHIM_H

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
                 int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);

#endif
