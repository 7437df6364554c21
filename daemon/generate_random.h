// Portable random variates for the example-traffic generator.
//
// The standard library's distributions (std::normal_distribution, ...) are
// implementation-defined: the same engine and seed give different numbers
// under libstdc++ and libc++. The generator promises byte-identical output
// for the same flags and seed, so it draws raw 64-bit words from
// std::mt19937_64 (whose sequence the standard fixes) and transforms them
// here with documented formulas.
//
// Remaining platform dependence: std::log, std::sqrt, std::sin, std::cos and
// std::exp come from the C library and need not be correctly rounded, so a
// different C library or architecture may differ in the last bit of a value.
//
// Thread-safety: not thread-safe; one Random per generator.
#ifndef DRIFTD_DAEMON_GENERATE_RANDOM_H_
#define DRIFTD_DAEMON_GENERATE_RANDOM_H_

#include <cstdint>
#include <random>
#include <span>

namespace driftd {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1): the top 53 bits of one engine word, times 2^-53.
  double Uniform();

  // Uniform on (0, 1]: never zero, so its logarithm is finite.
  double UniformPositive() { return 1.0 - Uniform(); }

  // Standard normal by the Box-Muller transform. Each pair of uniforms
  // yields two variates; the second is returned by the next call.
  double Normal();

  // True with probability p (one uniform is consumed whatever p is).
  bool Bernoulli(double p) { return Uniform() < p; }

  // An index i with probability cumulative-weight differences: cumulative
  // holds running sums of non-negative weights, the last one the total.
  // REQUIRES: cumulative is non-empty, non-decreasing, and its last element > 0.
  std::size_t Categorical(std::span<const double> cumulative);

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_GENERATE_RANDOM_H_
