/// The soft demapper's kernels (soft_demapper.cpp explains the method), included once per instruction set, each time
/// in a namespace of its own. The includer defines v8f, v8i, v4i64, v16hi, v16qi, v32qi, v8qi and AIRAN_DEMAP_INLINE,
/// includes <immintrin.h> (x86) and <type_traits>, and sets AIRAN_DEMAP_AVX2 to 1 in a region built for AVX2 (min and
/// max then take one instruction each), else to 0. (In C++ the target pragma leaves __AVX2__ undefined.)


/// Symbols per kernel step.
constexpr std::size_t group_nof_symbols = 8;

/// Reinterprets the bits of a vector. The builtin rather than std::bit_cast: a library function that is not inlined
/// (unoptimised builds) would pass 32-byte vectors between code built for different targets, whose calling
/// conventions for them differ.
template <typename To, typename From>
AIRAN_DEMAP_INLINE To bit_cast(From x)
{
  return __builtin_bit_cast(To, x);
}

template <typename V>
AIRAN_DEMAP_INLINE V load(const float* p)
{
  V v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <typename V>
AIRAN_DEMAP_INLINE V splat(float x)
{
  return V{} + x;
}

/// a < b ? a : b, or a > b ? a : b when Max, lane by lane (V: v8f or v8i). Built for AVX2 as one min or max
/// instruction: minps and maxps return their second operand where the comparison is unordered, as the select does.
/// (GCC writes the select as a compare and a blend.)
template <bool Max, typename V>
AIRAN_DEMAP_INLINE V min_or_max(V a, V b)
{
#if AIRAN_DEMAP_AVX2
  if constexpr (std::is_same_v<V, v8i>) {
    const __m256i x = bit_cast<__m256i>(a);
    const __m256i y = bit_cast<__m256i>(b);
    return bit_cast<V>(Max ? _mm256_max_epi32(x, y) : _mm256_min_epi32(x, y));
  } else {
    const __m256 x = bit_cast<__m256>(a);
    const __m256 y = bit_cast<__m256>(b);
    return bit_cast<V>(Max ? _mm256_max_ps(x, y) : _mm256_min_ps(x, y));
  }
#else
  return (Max ? a > b : a < b) ? a : b;
#endif
}

/// x < hi ? x : hi, then that or -hi, whichever is greater.
AIRAN_DEMAP_INLINE v8f clamp(v8f x, v8f hi)
{
  return min_or_max<true>(min_or_max<false>(x, hi), -hi);
}

/// NaN -> 0, then clamp to +-limit.
AIRAN_DEMAP_INLINE v8f sanitise(v8f x, float limit)
{
  const v8f hi = splat<v8f>(limit);
  x            = (x == x) ? x : v8f{};
  return clamp(x, hi);
}

/// c / N0 with N0 = noise_var raised to demapper_noise_var_floor (this covers zero, negative and -inf values); NaN and
/// +inf give 0.
AIRAN_DEMAP_INLINE v8f over_noise_var(float c, v8f noise_var)
{
  const v8f cap   = splat<v8f>(c / demapper_noise_var_floor);
  const v8f floor = splat<v8f>(demapper_noise_var_floor);
  v8f       w     = splat<v8f>(c) / noise_var;
  w               = min_or_max<false>(w, cap);
  w               = (noise_var < floor) ? cap : w;
  return (noise_var == noise_var) ? w : v8f{};
}

AIRAN_DEMAP_INLINE v8f abs(v8f x)
{
  return bit_cast<v8f>(bit_cast<v8i>(x) & 0x7fffffff);
}

/// Max-log metric of the sign bit of the Gray PAM with levels +-1, ..., +-(2^B - 1), at u in units of the level grid:
/// min over the negative levels of (u - x)^2 minus min over the positive levels.
template <unsigned B>
AIRAN_DEMAP_INLINE v8f pam_sign_bit_metric(v8f u)
{
  if constexpr (B == 1) {
    return 4.0F * u;
  } else {
    // Positive level nearest to |u|: p = 2h + 1 with h = min(floor(|u|/2), 2^(B-1) - 1); |u| is bounded by the
    // sanitised input, so the conversion to int is defined.
    const v8f v     = abs(u);
    const v8i max_h = v8i{} + ((1 << (B - 1)) - 1);
    v8i       h     = __builtin_convertvector(0.5F * v, v8i);
    h               = min_or_max<false>(h, max_h);
    const v8f p     = 2.0F * __builtin_convertvector(h, v8f) + 1.0F;
    // (p + 1)(2|u| + 1 - p) >= 0 (see the file comment), so or-ing in the sign of u gives the odd extension.
    const v8f magnitude = (p + 1.0F) * (2.0F * v + 1.0F - p);
    return bit_cast<v8f>(bit_cast<v8i>(magnitude) | (bit_cast<v8i>(u) & INT32_MIN));
  }
}

/// Weighted metrics of bits J..K-1 of a K-bit PAM, one vector per bit: lane d of m[j] is bit j of dimension d.
template <unsigned K, unsigned J = 0>
AIRAN_DEMAP_INLINE void pam_llrs(v8f* m, v8f u, v8f weight)
{
  m[J] = weight * pam_sign_bit_metric<K - J>(u);
  if constexpr (J + 1 < K) {
    pam_llrs<K, J + 1>(m, splat<v8f>(static_cast<float>(1U << (K - J - 1))) - abs(u), weight);
  }
}

/// Reorders the per-bit vectors m[j] = (re, im) pairs of 4 symbols into the bit order of TS 38.211 5.1: symbol s is
/// m[0] pair s, m[1] pair s, ..., m[K-1] pair s. Pairs are moved as 64-bit lanes.
template <unsigned K>
AIRAN_DEMAP_INLINE void interleave(const v8f* m, v8f* out)
{
  if constexpr (K == 1) {
    out[0] = m[0];
  } else {
    v4i64 p[K];
    for (unsigned j = 0; j != K; ++j) {
      p[j] = bit_cast<v4i64>(m[j]);
    }
    v4i64 o[K];
    if constexpr (K == 2) {
      o[0] = __builtin_shufflevector(p[0], p[1], 0, 4, 1, 5);
      o[1] = __builtin_shufflevector(p[0], p[1], 2, 6, 3, 7);
    } else if constexpr (K == 3) {
      const v4i64 a = __builtin_shufflevector(p[0], p[1], 0, 4, 1, 5); // p0[0] p1[0] p0[1] p1[1]
      const v4i64 b = __builtin_shufflevector(p[0], p[1], 2, 6, 3, 7); // p0[2] p1[2] p0[3] p1[3]
      const v4i64 c = __builtin_shufflevector(p[1], p[2], 1, 5, 1, 5); // p1[1] p2[1] (upper half unused)
      o[0]          = __builtin_shufflevector(a, p[2], 0, 1, 4, 2);    // p0[0] p1[0] p2[0] p0[1]
      o[1]          = __builtin_shufflevector(c, b, 0, 1, 4, 5);       // p1[1] p2[1] p0[2] p1[2]
      o[2]          = __builtin_shufflevector(b, p[2], 6, 2, 3, 7);    // p2[2] p0[3] p1[3] p2[3]
    } else {
      const v4i64 a = __builtin_shufflevector(p[0], p[1], 0, 4, 2, 6); // p0[0] p1[0] p0[2] p1[2]
      const v4i64 b = __builtin_shufflevector(p[0], p[1], 1, 5, 3, 7); // p0[1] p1[1] p0[3] p1[3]
      const v4i64 c = __builtin_shufflevector(p[2], p[3], 0, 4, 2, 6); // p2[0] p3[0] p2[2] p3[2]
      const v4i64 d = __builtin_shufflevector(p[2], p[3], 1, 5, 3, 7); // p2[1] p3[1] p2[3] p3[3]
      o[0]          = __builtin_shufflevector(a, c, 0, 1, 4, 5);
      o[1]          = __builtin_shufflevector(b, d, 0, 1, 4, 5);
      o[2]          = __builtin_shufflevector(a, c, 2, 3, 6, 7);
      o[3]          = __builtin_shufflevector(b, d, 2, 3, 6, 7);
    }
    for (unsigned j = 0; j != K; ++j) {
      out[j] = bit_cast<v8f>(o[j]);
    }
  }
}

AIRAN_DEMAP_INLINE void store(float* out, const v8f* llrs, unsigned nof_vectors)
{
  std::memcpy(out, llrs, nof_vectors * sizeof(v8f));
}

/// int8 quantisation of LLRs that already carry the scale: clamp to +-127, then add 1.5 * 2^23. The sum lies in
/// [2^23, 2^24), where the float spacing is 1, so the addition rounds to the nearest integer (ties to even, the
/// default rounding mode) and the mantissa holds 2^22 + round(x); 2^22 being a multiple of 256, the lowest byte of
/// the float's bits is round(x) as a two's complement int8. (No NaN reaches here: weights and metrics are finite.)
AIRAN_DEMAP_INLINE v8f quantise(v8f x)
{
  const v8f hi = splat<v8f>(127.0F);
  return clamp(x, hi) + splat<v8f>(12582912.0F);
}

/// Low 16 bits of the lanes of a, then of b.
AIRAN_DEMAP_INLINE v16hi low_halves(v8f a, v8f b)
{
  return __builtin_shufflevector(bit_cast<v16hi>(a), bit_cast<v16hi>(b), 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22,
                                 24, 26, 28, 30);
}

/// Quantised store, four vectors (32 LLRs) at a time where possible.
AIRAN_DEMAP_INLINE void store(int8_t* out, const v8f* llrs, unsigned nof_vectors)
{
  unsigned j = 0;
  for (; j + 4 <= nof_vectors; j += 4) {
    const v32qi h0 = bit_cast<v32qi>(low_halves(quantise(llrs[j]), quantise(llrs[j + 1])));
    const v32qi h1 = bit_cast<v32qi>(low_halves(quantise(llrs[j + 2]), quantise(llrs[j + 3])));
    const v32qi q  = __builtin_shufflevector(h0, h1, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34,
                                             36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62);
    std::memcpy(out + 8 * j, &q, sizeof(q));
  }
  if (j + 2 <= nof_vectors) {
    const v32qi h = bit_cast<v32qi>(low_halves(quantise(llrs[j]), quantise(llrs[j + 1])));
    const v16qi q = __builtin_shufflevector(h, h, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    std::memcpy(out + 8 * j, &q, sizeof(q));
    j += 2;
  }
  if (j != nof_vectors) {
    const v8f   a = quantise(llrs[j]);
    const v32qi h = bit_cast<v32qi>(low_halves(a, a));
    const v8qi  q = __builtin_shufflevector(h, h, 0, 2, 4, 6, 8, 10, 12, 14);
    std::memcpy(out + 8 * j, &q, sizeof(q));
  }
}

/// Square QAM with K = 1..4 bits per dimension: a^2 = 1/norm, norm = 2 (4^K - 1) / 3 = 2, 10, 42, 170. Reads 8
/// symbols and 8 noise variances, writes 16K LLRs multiplied by scale.
template <unsigned K, typename T>
AIRAN_DEMAP_INLINE void qam_group(T* llrs, const float* iq, const float* noise_var, float scale)
{
  constexpr float sqrt_norm[5] = {0.0F, 1.41421356237309505F, 3.16227766016837933F, 6.48074069840786023F,
                                  13.0384048104052974F};
  constexpr float inv_norm     = 1.0F / static_cast<float>(2 * ((1U << (2 * K)) - 1) / 3);

  const v8f w         = over_noise_var(scale * inv_norm, load<v8f>(noise_var));
  const v8f weight[2] = {__builtin_shufflevector(w, w, 0, 0, 1, 1, 2, 2, 3, 3),
                         __builtin_shufflevector(w, w, 4, 4, 5, 5, 6, 6, 7, 7)};
  v8f       out[2 * K];
  for (unsigned half = 0; half != 2; ++half) {
    const v8f u = sanitise(sqrt_norm[K] * load<v8f>(iq + 8 * half), sqrt_norm[K] * demapper_symbol_limit);
    v8f       m[K];
    pam_llrs<K>(m, u, weight[half]);
    interleave<K>(m, out + K * half);
  }
  store(llrs, out, 2 * K);
}

/// pi/2-BPSK (TS 38.211 5.1.2): the two points of symbol i are +-c, c = exp(j pi/2 (i mod 2)) (1 + j)/sqrt(2),
/// |c| = 1, so llr = (|y + c|^2 - |y - c|^2) / N0 = 4 Re(y conj(c)) / N0 where Re(y conj(c)) is
/// (Im y + Re y)/sqrt(2) for even i and (Im y - Re y)/sqrt(2) for odd i. Reads 8 symbols starting at an even index,
/// writes 8 LLRs multiplied by scale.
template <typename T>
AIRAN_DEMAP_INLINE void pi2_bpsk_group(T* llrs, const float* iq, const float* noise_var, float scale)
{
  constexpr float four_over_sqrt2 = 2.82842712474619010F;
  const v8f       y0              = sanitise(load<v8f>(iq), demapper_symbol_limit);
  const v8f       y1              = sanitise(load<v8f>(iq + 8), demapper_symbol_limit);
  const v8f       re              = __builtin_shufflevector(y0, y1, 0, 2, 4, 6, 8, 10, 12, 14);
  const v8f       im              = __builtin_shufflevector(y0, y1, 1, 3, 5, 7, 9, 11, 13, 15);
  const v8f       parity_sign     = {1.0F, -1.0F, 1.0F, -1.0F, 1.0F, -1.0F, 1.0F, -1.0F};
  const v8f       llr = over_noise_var(scale * four_over_sqrt2, load<v8f>(noise_var)) * (im + parity_sign * re);
  store(llrs, &llr, 1);
}

/// K = 0: pi/2-BPSK, K = 1..4: square QAM with 2K bits per symbol.
template <unsigned K, typename T>
AIRAN_DEMAP_INLINE void demap_group(T* llrs, const float* iq, const float* noise_var, float scale)
{
  if constexpr (K == 0) {
    pi2_bpsk_group(llrs, iq, noise_var, scale);
  } else {
    qam_group<K>(llrs, iq, noise_var, scale);
  }
}

/// All symbols, 8 per step; the last 1 to 7 go through the same kernel via zero-padded copies (padding noise
/// variance 1). Group starts are even, so the pi/2-BPSK parity of each lane is that of its symbol index.
template <unsigned K, typename T>
AIRAN_DEMAP_INLINE void
demap_symbols(T* llrs, const float* iq, const float* noise_var, std::size_t nof_symbols, float scale)
{
  constexpr std::size_t bits_per_symbol = (K == 0) ? 1 : 2 * K;
  constexpr std::size_t group_nof_llrs  = group_nof_symbols * bits_per_symbol;
  const std::size_t     nof_groups      = nof_symbols / group_nof_symbols;
  for (std::size_t g = 0; g != nof_groups; ++g) {
    demap_group<K>(llrs + group_nof_llrs * g, iq + 2 * group_nof_symbols * g, noise_var + group_nof_symbols * g,
                   scale);
  }
  const std::size_t tail = nof_symbols % group_nof_symbols;
  if (tail != 0) {
    const std::size_t first                            = nof_groups * group_nof_symbols;
    float             iq_pad[2 * group_nof_symbols]    = {};
    float             noise_var_pad[group_nof_symbols] = {1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F};
    T                 llrs_pad[group_nof_llrs];
    std::memcpy(iq_pad, iq + 2 * first, 2 * tail * sizeof(float));
    std::memcpy(noise_var_pad, noise_var + first, tail * sizeof(float));
    demap_group<K>(llrs_pad, iq_pad, noise_var_pad, scale);
    std::memcpy(llrs + bits_per_symbol * first, llrs_pad, bits_per_symbol * tail * sizeof(T));
  }
}

/// The entry point of the build: a function of its own, built for the instruction set of the includer's region.
template <typename T>
void demap(T* llrs, const float* iq, const float* noise_var, std::size_t nof_symbols, modulation_scheme scheme, float scale)
{
  switch (scheme) {
    case modulation_scheme::pi2_bpsk:
      demap_symbols<0>(llrs, iq, noise_var, nof_symbols, scale);
      break;
    case modulation_scheme::qpsk:
      demap_symbols<1>(llrs, iq, noise_var, nof_symbols, scale);
      break;
    case modulation_scheme::qam16:
      demap_symbols<2>(llrs, iq, noise_var, nof_symbols, scale);
      break;
    case modulation_scheme::qam64:
      demap_symbols<3>(llrs, iq, noise_var, nof_symbols, scale);
      break;
    case modulation_scheme::qam256:
      demap_symbols<4>(llrs, iq, noise_var, nof_symbols, scale);
      break;
  }
}

