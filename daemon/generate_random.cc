#include "daemon/generate_random.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace driftd {

double Random::Uniform() {
  // 53 bits fill a double's mantissa exactly, so every value is representable
  // and the result never rounds up to 1.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Random::Normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double radius = std::sqrt(-2.0 * std::log(UniformPositive()));
  const double angle = 2.0 * std::numbers::pi * Uniform();
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

std::size_t Random::Categorical(std::span<const double> cumulative) {
  const double x = Uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  // x < total always, so `it` is in range; the min() guards rounding.
  return std::min<std::size_t>(it - cumulative.begin(), cumulative.size() - 1);
}

}  // namespace driftd
