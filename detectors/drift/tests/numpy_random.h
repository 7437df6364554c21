// numpy's legacy global generator (np.random.seed / np.random.normal), so
// tests can rebuild samples that Python test suites draw with a seed.
//
// np.random.seed(s) seeds MT19937 with init_genrand(s): std::mt19937(s).
// random_sample: ((a >> 5) * 67108864.0 + (b >> 6)) / 9007199254740992.0
// from two 32-bit outputs a, b (53-bit resolution).
// normal(loc, scale): loc + scale * gauss, gauss by the Marsaglia polar
// method with the second value cached for the next call, as numpy's
// legacy_gauss: x1 = 2u - 1, x2 = 2u - 1, r2 = x1^2 + x2^2, rejected while
// r2 >= 1 or r2 == 0; f = sqrt(-2 log(r2) / r2); caches f x1, returns f x2.
// Checked against numpy's own draws in nannyml_seeded_test.cc.
#ifndef DRIFTD_DETECTORS_DRIFT_TESTS_NUMPY_RANDOM_H_
#define DRIFTD_DETECTORS_DRIFT_TESTS_NUMPY_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace driftd::detectors::testing {

class NumpyLegacyRandom {
 public:
  explicit NumpyLegacyRandom(std::uint32_t seed) : mt_(seed) {}

  double RandomSample() {
    const std::uint32_t a = static_cast<std::uint32_t>(mt_()) >> 5;
    const std::uint32_t b = static_cast<std::uint32_t>(mt_()) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  double Gauss() {
    if (has_gauss_) {
      has_gauss_ = false;
      return gauss_;
    }
    double x1 = 0, x2 = 0, r2 = 0;
    do {
      x1 = 2.0 * RandomSample() - 1.0;
      x2 = 2.0 * RandomSample() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    gauss_ = f * x1;
    has_gauss_ = true;
    return f * x2;
  }

  // np.random.normal(loc, scale, size)
  std::vector<double> Normal(double loc, double scale, std::size_t size) {
    std::vector<double> out(size);
    for (double& x : out) x = loc + scale * Gauss();
    return out;
  }

 private:
  std::mt19937 mt_;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

}  // namespace driftd::detectors::testing

#endif  // DRIFTD_DETECTORS_DRIFT_TESTS_NUMPY_RANDOM_H_
