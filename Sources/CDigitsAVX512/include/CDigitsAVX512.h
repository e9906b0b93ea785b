// The register-blocked GEMM of DigitsKernels' smallGemm in AVX-512, for CPUs that have it: Swift
// cannot ask for 512-bit registers in one function of a module built for AVX2, C can.
#ifndef CDIGITS_AVX512_H
#define CDIGITS_AVX512_H

#include <stdbool.h>

/// Whether this CPU runs AVX-512F (and the operating system saves its registers).
bool digits_avx512_available(void);

/// c[m, columns] = epilogue(op(a)[m, k] · b[k, columns]) for the first `n - n % 32` columns of
/// n-wide row-major b and c (b's and c's rows n apart), a[row, index] at row · row_stride +
/// index · depth_stride; the epilogue adds bias[column] (when not null), then residual[row · n +
/// column] (when not null), then takes max(y, 0) when relu. Each element sums its k products in
/// order with fused multiply-adds, as the AVX2 kernel does. Returns the columns it computed.
long digits_small_gemm_avx512(
    long m, long n, long k, const float *a, long row_stride, long depth_stride, const float *b, float *c,
    const float *bias, const float *residual, bool relu);

#endif
