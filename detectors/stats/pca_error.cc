#include "detectors/stats/pca_error.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

namespace driftd::detectors::stats {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool AllFinite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

std::optional<PcaReconstruction> PcaReconstruction::Fit(std::span<const double> reference,
                                                        std::size_t dim, double variance_ratio) {
  if (dim == 0 || reference.size() % dim != 0 || !AllFinite(reference)) return std::nullopt;
  if (!(variance_ratio > 0.0 && variance_ratio <= 1.0)) return std::nullopt;
  const auto rows = static_cast<Eigen::Index>(reference.size() / dim);
  const auto cols = static_cast<Eigen::Index>(dim);
  if (rows < 2) return std::nullopt;
  RowMatrix x = Eigen::Map<const RowMatrix>(reference.data(), rows, cols);

  PcaReconstruction model;
  model.dim_ = dim;
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  Eigen::RowVectorXd scale =
      (x.colwise().squaredNorm() / static_cast<double>(rows)).cwiseSqrt();
  // sklearn's StandardScaler leaves (near-)constant features unscaled.
  for (Eigen::Index j = 0; j < cols; ++j) {
    if (!(scale(j) > 10 * std::numeric_limits<double>::epsilon() * std::abs(mean(j))) ||
        scale(j) == 0.0) {
      scale(j) = 1.0;
    }
  }
  x = x.array().rowwise() / scale.array();
  model.mean_.assign(mean.data(), mean.data() + cols);
  model.scale_.assign(scale.data(), scale.data() + cols);

  // Standardised data has zero column means, so PCA's own centring is a no-op.
  const Eigen::MatrixXd cov = (x.transpose() * x) / static_cast<double>(rows - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) return std::nullopt;
  // Eigen sorts eigenvalues ascending; walk them from the largest.
  const Eigen::VectorXd values = solver.eigenvalues().cwiseMax(0.0);
  const double total = values.sum();
  std::size_t k = dim;
  if (total > 0) {
    double cumulative = 0.0;
    for (std::size_t c = 0; c < dim; ++c) {
      cumulative += values(cols - 1 - static_cast<Eigen::Index>(c)) / total;
      // sklearn: searchsorted(cumsum(ratio), variance_ratio, side="right") + 1.
      if (cumulative > variance_ratio) {
        k = c + 1;
        break;
      }
    }
  }
  model.components_ = k;
  model.basis_.resize(k * dim);
  for (std::size_t c = 0; c < k; ++c) {
    const Eigen::VectorXd v = solver.eigenvectors().col(cols - 1 - static_cast<Eigen::Index>(c));
    for (std::size_t j = 0; j < dim; ++j) {
      model.basis_[c * dim + j] = v(static_cast<Eigen::Index>(j));
    }
  }
  return model;
}

std::optional<double> PcaReconstruction::MeanError(std::span<const double> rows) const {
  if (rows.empty() || rows.size() % dim_ != 0 || !AllFinite(rows)) return std::nullopt;
  const auto n = static_cast<Eigen::Index>(rows.size() / dim_);
  const auto cols = static_cast<Eigen::Index>(dim_);
  RowMatrix x = Eigen::Map<const RowMatrix>(rows.data(), n, cols);
  const Eigen::Map<const Eigen::RowVectorXd> mean(mean_.data(), cols);
  const Eigen::Map<const Eigen::RowVectorXd> scale(scale_.data(), cols);
  x.rowwise() -= mean;
  x = x.array().rowwise() / scale.array();
  const Eigen::Map<const RowMatrix> basis(basis_.data(), static_cast<Eigen::Index>(components_),
                                          cols);
  const RowMatrix reconstructed = (x * basis.transpose()) * basis;
  return (x - reconstructed).rowwise().norm().mean();
}

}  // namespace driftd::detectors::stats
