// Multivariate drift by PCA reconstruction error, NannyML's
// DataReconstructionDriftCalculator for numeric features:
//   1. standardise each feature with the reference mean and population
//      standard deviation (a constant feature keeps scale 1, as sklearn does);
//   2. fit PCA on the standardised reference and keep the smallest number of
//      components whose cumulative explained-variance ratio exceeds
//      `variance_ratio` (NannyML's default 0.65; sklearn's rule for a
//      fractional n_components);
//   3. the error of a window is the mean over its rows of the Euclidean norm
//      |x - x_hat|, x_hat the projection of the standardised row onto the
//      components and back.
// A window whose error leaves the band the reference windows define (NannyML:
// mean +- 3 standard deviations of the reference chunks' errors) has drifted.
// Missing-value imputation and categorical encoding are the caller's job.
#ifndef DRIFTD_DETECTORS_STATS_PCA_ERROR_H_
#define DRIFTD_DETECTORS_STATS_PCA_ERROR_H_

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace driftd::detectors::stats {

// A fitted model; an immutable value, safe to share between threads.
class PcaReconstruction {
 public:
  // `reference` is row-major with `dim` columns. Returns std::nullopt when
  // dim is 0, the size is not a multiple of dim, there are fewer than 2 rows,
  // a value is not finite, or variance_ratio is outside (0, 1].
  [[nodiscard]] static std::optional<PcaReconstruction> Fit(std::span<const double> reference,
                                                            std::size_t dim,
                                                            double variance_ratio = 0.65);

  // Mean reconstruction error of the rows (row-major, dim columns). Returns
  // std::nullopt when there are no rows, the size is not a multiple of dim, or
  // a value is not finite.
  [[nodiscard]] std::optional<double> MeanError(std::span<const double> rows) const;

  std::size_t dim() const { return dim_; }
  std::size_t components() const { return components_; }

 private:
  PcaReconstruction() = default;

  std::size_t dim_ = 0;
  std::size_t components_ = 0;
  std::vector<double> mean_;   // per feature
  std::vector<double> scale_;  // per feature
  std::vector<double> basis_;  // components_ x dim_, row-major, orthonormal rows
};

}  // namespace driftd::detectors::stats

#endif  // DRIFTD_DETECTORS_STATS_PCA_ERROR_H_
