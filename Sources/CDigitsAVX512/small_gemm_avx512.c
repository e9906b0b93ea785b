#include "CDigitsAVX512.h"

#include <immintrin.h>

bool digits_avx512_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

#define AVX512 __attribute__((target("avx512f,fma"), always_inline)) static inline

// Sixteen outputs through the epilogue: + bias, + residual, then ReLU.
AVX512 void store16(float *c, const float *bias, const float *residual, bool relu, long index, long column,
                    __m512 sum) {
  if (bias) sum = _mm512_add_ps(sum, _mm512_loadu_ps(bias + column));
  if (residual) sum = _mm512_add_ps(sum, _mm512_loadu_ps(residual + index));
  if (relu) sum = _mm512_max_ps(sum, _mm512_setzero_ps());
  _mm512_storeu_ps(c + index, sum);
}

// ROWS rows (1 to 8) by 32 columns of c: 2 · ROWS zmm accumulators while k runs.
AVX512 void block(long rows, long n, long k, const float *a, long row_stride, long depth_stride,
                  const float *b, float *c, long row, long column, const float *bias, const float *residual,
                  bool relu) {
  __m512 left[8], right[8];
  for (long r = 0; r < 8; r++) left[r] = right[r] = _mm512_setzero_ps();
  for (long index = 0; index < k; index++) {
    const __m512 b0 = _mm512_loadu_ps(b + index * n), b1 = _mm512_loadu_ps(b + index * n + 16);
    const float *depth = a + index * depth_stride;
    for (long r = 0; r < 8; r++) {
      if (r < rows) {
        const __m512 x = _mm512_set1_ps(depth[r * row_stride]);
        left[r] = _mm512_fmadd_ps(x, b0, left[r]);
        right[r] = _mm512_fmadd_ps(x, b1, right[r]);
      }
    }
  }
  for (long r = 0; r < rows; r++) {
    const long index = (row + r) * n + column;
    store16(c, bias, residual, relu, index, column, left[r]);
    store16(c, bias, residual, relu, index + 16, column + 16, right[r]);
  }
}

__attribute__((target("avx512f,fma"))) static void eight_rows(long n, long k, const float *a, long row_stride,
                                                               long depth_stride, const float *b, float *c,
                                                               long row, long column, const float *bias,
                                                               const float *residual, bool relu) {
  block(8, n, k, a, row_stride, depth_stride, b, c, row, column, bias, residual, relu);
}

__attribute__((target("avx512f,fma"))) static void few_rows(long rows, long n, long k, const float *a,
                                                             long row_stride, long depth_stride, const float *b,
                                                             float *c, long row, long column, const float *bias,
                                                             const float *residual, bool relu) {
  block(rows, n, k, a, row_stride, depth_stride, b, c, row, column, bias, residual, relu);
}

long digits_small_gemm_avx512(long m, long n, long k, const float *a, long row_stride, long depth_stride,
                              const float *b, float *c, const float *bias, const float *residual, bool relu) {
  const long columns = n - n % 32, full_rows = m - m % 8;
  for (long row = 0; row < full_rows; row += 8)
    for (long column = 0; column < columns; column += 32)
      eight_rows(n, k, a + row * row_stride, row_stride, depth_stride, b + column, c, row, column, bias,
                 residual, relu);
  if (full_rows < m)
    for (long column = 0; column < columns; column += 32)
      few_rows(m - full_rows, n, k, a + full_rows * row_stride, row_stride, depth_stride, b + column, c,
               full_rows, column, bias, residual, relu);
  return columns;
}
