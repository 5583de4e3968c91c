// Bodies of the channel estimator kernels (channel_estimator_kernels.h), included twice by
// channel_estimator_kernels.cpp: once for the baseline x86-64 ISA, once inside an AVX2/FMA target region, each time in
// its own namespace. No include guard on purpose; the standard headers and the vector types come from the includer.
// Values are interleaved (re, im) floats; v8f holds four complex values.

#define AIRAN_CE_INLINE [[gnu::always_inline]] inline

AIRAN_CE_INLINE v8f load(const float* p)
{
  v8f v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

AIRAN_CE_INLINE void store(float* p, v8f v)
{
  std::memcpy(p, &v, sizeof(v));
}

/// (re, im) -> (im, re) in every complex value.
AIRAN_CE_INLINE v8f swap_pairs(v8f v)
{
  return __builtin_shuffle(v, v8i{1, 0, 3, 2, 5, 4, 7, 6});
}

/// Complex products of four pairs of values.
AIRAN_CE_INLINE v8f multiply_pairs(v8f a, v8f b)
{
  const v8f a_re = __builtin_shuffle(a, v8i{0, 0, 2, 2, 4, 4, 6, 6});
  const v8f a_im = __builtin_shuffle(a, v8i{1, 1, 3, 3, 5, 5, 7, 7});
  return a_re * b + a_im * swap_pairs(b) * v8f{-1, 1, -1, 1, -1, 1, -1, 1};
}

/// a x for a complex scalar a = (a_re, a_im) and four complex values x (the sign of a_im's terms applied to the
/// scalar, one multiplication less per vector).
AIRAN_CE_INLINE v8f scale(float a_re, float a_im, v8f x)
{
  return a_re * x + swap_pairs(x) * (a_im * v8f{-1, 1, -1, 1, -1, 1, -1, 1});
}

/// Values 0, 2, 4 and 6 of the eight complex values a, b.
AIRAN_CE_INLINE v8f even_values(v8f a, v8f b)
{
  return __builtin_shuffle(a, b, v8i{0, 1, 4, 5, 8, 9, 12, 13});
}

void combine(float* __restrict out, float ar, float ai, const float* __restrict x, float br, float bi,
             const float* __restrict y, std::size_t n)
{
  std::size_t i = 0;
  if (br == 0.0F && bi == 0.0F) {
    for (; i + 4 <= n; i += 4) {
      store(out + 2 * i, scale(ar, ai, load(x + 2 * i)));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      store(out + 2 * i, scale(ar, ai, load(x + 2 * i)) + scale(br, bi, load(y + 2 * i)));
    }
  }
  for (; i < n; ++i) {
    out[2 * i] = ar * x[2 * i] - ai * x[2 * i + 1] + br * y[2 * i] - bi * y[2 * i + 1];
    out[2 * i + 1] = ar * x[2 * i + 1] + ai * x[2 * i] + br * y[2 * i + 1] + bi * y[2 * i];
  }
}

void fir(float* __restrict out, const float* __restrict x, const float* __restrict taps, std::size_t nof_taps,
         std::size_t n)
{
  // Four outputs at a time, every tap accumulated in registers: real parts of the taps times x, imaginary parts times
  // x with re and im swapped (sign applied at the end).
  std::size_t m = 0;
  for (; m + 4 <= n; m += 4) {
    v8f direct = {};
    v8f swapped = {};
    for (std::size_t b = 0; b < nof_taps; ++b) {
      const v8f v = load(x + 2 * (m + b));
      direct += taps[2 * b] * v;
      swapped += taps[2 * b + 1] * swap_pairs(v);
    }
    store(out + 2 * m, direct + swapped * v8f{-1, 1, -1, 1, -1, 1, -1, 1});
  }
  for (; m < n; ++m) {
    float re = 0.0F;
    float im = 0.0F;
    for (std::size_t b = 0; b < nof_taps; ++b) {
      re += taps[2 * b] * x[2 * (m + b)] - taps[2 * b + 1] * x[2 * (m + b) + 1];
      im += taps[2 * b] * x[2 * (m + b) + 1] + taps[2 * b + 1] * x[2 * (m + b)];
    }
    out[2 * m] = re;
    out[2 * m + 1] = im;
  }
}

void moving_sum(float* __restrict out, const float* __restrict x, std::size_t width, float w, std::size_t n)
{
  // Sixteen outputs at a time in four independent sums (the additions of one sum are a dependency chain).
  std::size_t m = 0;
  for (; m + 16 <= n; m += 16) {
    v8f s0 = {};
    v8f s1 = {};
    v8f s2 = {};
    v8f s3 = {};
    for (std::size_t b = 0; b < width; ++b) {
      const float* p = x + 2 * (m + b);
      s0 += load(p);
      s1 += load(p + 8);
      s2 += load(p + 16);
      s3 += load(p + 24);
    }
    store(out + 2 * m, w * s0);
    store(out + 2 * m + 8, w * s1);
    store(out + 2 * m + 16, w * s2);
    store(out + 2 * m + 24, w * s3);
  }
  for (; m + 4 <= n; m += 4) {
    v8f sum = {};
    for (std::size_t b = 0; b < width; ++b) {
      sum += load(x + 2 * (m + b));
    }
    store(out + 2 * m, w * sum);
  }
  for (; m < n; ++m) {
    float re = 0.0F;
    float im = 0.0F;
    for (std::size_t b = 0; b < width; ++b) {
      re += x[2 * (m + b)];
      im += x[2 * (m + b) + 1];
    }
    out[2 * m] = w * re;
    out[2 * m + 1] = w * im;
  }
}

void multiply(float* __restrict x, float ar, float ai, const float* __restrict y, std::size_t n)
{
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    store(x + 2 * i, multiply_pairs(load(x + 2 * i), scale(ar, ai, load(y + 2 * i))));
  }
  for (; i < n; ++i) {
    const float yr = ar * y[2 * i] - ai * y[2 * i + 1];
    const float yi = ar * y[2 * i + 1] + ai * y[2 * i];
    const float xr = x[2 * i];
    const float xi = x[2 * i + 1];
    x[2 * i] = xr * yr - xi * yi;
    x[2 * i + 1] = xr * yi + xi * yr;
  }
}

void gather_multiply(float* __restrict out, const float* __restrict y, const uint16_t* __restrict index,
                     const float* __restrict c, std::size_t n)
{
  for (std::size_t i = 0; i < n; ++i) {
    const float yr = y[2 * std::size_t{index[i]}];
    const float yi = y[2 * std::size_t{index[i]} + 1];
    out[2 * i] = c == nullptr ? yr : yr * c[2 * i] - yi * c[2 * i + 1];
    out[2 * i + 1] = c == nullptr ? yi : yr * c[2 * i + 1] + yi * c[2 * i];
  }
}

void strided_multiply(float* __restrict out, const float* __restrict y, const float* __restrict c, std::size_t n)
{
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v8f v = even_values(load(y + 4 * i), load(y + 4 * i + 8));
    store(out + 2 * i, c == nullptr ? v : multiply_pairs(v, load(c + 2 * i)));
  }
  for (; i < n; ++i) {
    const float yr = y[4 * i];
    const float yi = y[4 * i + 1];
    out[2 * i] = c == nullptr ? yr : yr * c[2 * i] - yi * c[2 * i + 1];
    out[2 * i + 1] = c == nullptr ? yi : yr * c[2 * i + 1] + yi * c[2 * i];
  }
}

cf_t correlate(const float* __restrict x, const float* __restrict y, std::size_t n)
{
  // Lanes of same: x_re y_re, x_im y_im (sum: real part); of swapped: x_re y_im, x_im y_re (odd minus even: imaginary).
  // Float partial sums over blocks of correlate_block values, added in double.
  // Sixteen values per iteration in eight independent sums (the additions of one sum are a dependency chain).
  double re = 0.0;
  double im = 0.0;
  std::size_t i = 0;
  while (i + 16 <= n) {
    const std::size_t end = std::min(n, i + correlate_block) & ~std::size_t{15};
    v8f same[4] = {};
    v8f swapped[4] = {};
    for (; i < end; i += 16) {
      for (unsigned b = 0; b < 4; ++b) {
        const v8f xb = load(x + 2 * i + 8 * b);
        const v8f yb = load(y + 2 * i + 8 * b);
        same[b] += xb * yb;
        swapped[b] += xb * swap_pairs(yb);
      }
    }
    const v8f same_sum = (same[0] + same[1]) + (same[2] + same[3]);
    const v8f swapped_sum = (swapped[0] + swapped[1]) + (swapped[2] + swapped[3]);
    for (unsigned lane = 0; lane < 8; lane += 2) {
      re += static_cast<double>(same_sum[lane]) + same_sum[lane + 1];
      im += static_cast<double>(swapped_sum[lane + 1]) - swapped_sum[lane];
    }
  }
  for (; i < n; ++i) {
    re += x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1];
    im += x[2 * i + 1] * y[2 * i] - x[2 * i] * y[2 * i + 1];
  }
  return {static_cast<float>(re), static_cast<float>(im)};
}

/// The segment [pos[m], pos[m + 1]) of the interpolation, before the phasor; returns the next k.
AIRAN_CE_INLINE std::size_t interpolate_segment(float* __restrict out, const float* __restrict x, const float* pos,
                                                std::size_t m, std::size_t k, std::size_t n)
{
  const float a = pos[m];
  const float inv = 1.0F / (pos[m + 1] - a);
  const float x0r = x[2 * m];
  const float x0i = x[2 * m + 1];
  const float dr = x[2 * m + 2] - x0r;
  const float di = x[2 * m + 3] - x0i;
  const std::size_t end = std::min(n, static_cast<std::size_t>(std::ceil(pos[m + 1])));
  for (; k < end; ++k) {
    const float w = (static_cast<float>(k) - a) * inv;
    out[2 * k] = x0r + w * dr;
    out[2 * k + 1] = x0i + w * di;
  }
  return k;
}

void interpolate(float* __restrict out, const float* __restrict x, const float* __restrict pos, std::size_t nof_values,
                 float spacing, const float* __restrict phasor, std::size_t n)
{
  std::size_t k = 0;
  for (; k < n && static_cast<float>(k) < pos[0]; ++k) {
    out[2 * k] = x[0];
    out[2 * k + 1] = x[1];
  }
  const std::size_t first_interior = k;
  std::size_t m = 0;
  const auto step = static_cast<std::size_t>(spacing);
  const bool even_integer = static_cast<float>(step) == spacing && step >= 1 && step <= max_fast_spacing &&
                            static_cast<float>(k) == pos[0];
  if (even_integer && step == 2) {
    // Pilots every other subcarrier: the pilot, then the mean with the next one, phasor applied here.
    for (; m + 4 < nof_values; m += 4, k += 8) {
      const v8f x0 = load(x + 2 * m);
      const v8f mid = 0.5F * (x0 + load(x + 2 * m + 2));
      store(out + 2 * k, multiply_pairs(__builtin_shuffle(x0, mid, v8i{0, 1, 8, 9, 2, 3, 10, 11}),
                                        load(phasor + 2 * k)));
      store(out + 2 * k + 8, multiply_pairs(__builtin_shuffle(x0, mid, v8i{4, 5, 12, 13, 6, 7, 14, 15}),
                                            load(phasor + 2 * k + 8)));
    }
  } else if (even_integer) {
    // Evenly spaced on integer positions: four segments at a time, value t of segment c at k + step c + t.
    std::array<float, max_fast_spacing> weight{};
    for (std::size_t t = 0; t < step; ++t) {
      weight[t] = static_cast<float>(t) / spacing;
    }
    for (; m + 4 < nof_values; m += 4, k += 4 * step) {
      const v8f x0 = load(x + 2 * m);
      const v8f delta = load(x + 2 * m + 2) - x0;
      for (std::size_t t = 0; t < step; ++t) {
        const v8f v = x0 + weight[t] * delta;
        for (std::size_t c = 0; c < 4; ++c) {
          std::memcpy(out + 2 * (k + step * c + t), reinterpret_cast<const float*>(&v) + 2 * c, 2 * sizeof(float));
        }
      }
    }
  }
  // Done with the phasor: [first_interior, k) when step == 2 took the vector path.
  const std::size_t phased_end = even_integer && step == 2 ? k : first_interior;
  for (; m + 1 < nof_values; ++m) {
    k = interpolate_segment(out, x, pos, m, k, n);
  }
  const std::size_t last = 2 * (nof_values - 1);
  for (; k < n; ++k) {
    out[2 * k] = x[last];
    out[2 * k + 1] = x[last + 1];
  }

  auto apply_phasor = [&](std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    for (; i + 4 <= end; i += 4) {
      store(out + 2 * i, multiply_pairs(load(out + 2 * i), load(phasor + 2 * i)));
    }
    for (; i < end; ++i) {
      const float vr = out[2 * i];
      const float vi = out[2 * i + 1];
      out[2 * i] = vr * phasor[2 * i] - vi * phasor[2 * i + 1];
      out[2 * i + 1] = vr * phasor[2 * i + 1] + vi * phasor[2 * i];
    }
  };
  apply_phasor(0, first_interior);
  apply_phasor(phased_end, n);
}

void gather_conj(float* __restrict out, const float* __restrict in, const uint16_t* __restrict index,
                 std::size_t offset, std::size_t n)
{
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = index[i] - offset;
    out[2 * i] = in[2 * j];
    out[2 * i + 1] = -in[2 * j + 1];
  }
}

void accumulate_alternating(float* __restrict out, float w0, float w1, const float* __restrict in, std::size_t n)
{
  const v8f w = {w0, w0, w1, w1, w0, w0, w1, w1};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    store(out + 2 * i, load(out + 2 * i) + w * load(in + 2 * i));
  }
  for (; i < n; ++i) {
    const float wi = i % 2 == 0 ? w0 : w1;
    out[2 * i] += wi * in[2 * i];
    out[2 * i + 1] += wi * in[2 * i + 1];
  }
}

void accumulate_pairs(float* __restrict out, float w0, float w1, const float* __restrict in, std::size_t n)
{
  std::size_t m = 0;
  for (; m + 4 <= n; m += 4) {
    const v8f a = load(in + 4 * m);
    const v8f b = load(in + 4 * m + 8);
    const v8f first = __builtin_shuffle(a, b, v8i{0, 1, 4, 5, 8, 9, 12, 13});
    const v8f second = __builtin_shuffle(a, b, v8i{2, 3, 6, 7, 10, 11, 14, 15});
    store(out + 2 * m, load(out + 2 * m) + w0 * first + w1 * second);
  }
  for (; m < n; ++m) {
    out[2 * m] += w0 * in[4 * m] + w1 * in[4 * m + 2];
    out[2 * m + 1] += w0 * in[4 * m + 1] + w1 * in[4 * m + 3];
  }
}

#undef AIRAN_CE_INLINE
