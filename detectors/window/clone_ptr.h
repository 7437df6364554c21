// ClonePtr<T>: an owning pointer with value semantics. Copies deep-copy the
// pointee (a null pointer copies as null), moves transfer it. Used for parts
// of a summary that most instances never need (a pane's quantile sketch), so
// an idle summary pays one pointer instead of the whole object.
//
// Thread-safety: as for T.
#ifndef DRIFTD_DETECTORS_WINDOW_CLONE_PTR_H_
#define DRIFTD_DETECTORS_WINDOW_CLONE_PTR_H_

#include <memory>
#include <utility>

namespace driftd::detectors {

template <typename T>
class ClonePtr {
 public:
  ClonePtr() = default;
  explicit ClonePtr(std::unique_ptr<T> p) : p_(std::move(p)) {}
  ClonePtr(const ClonePtr& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  ClonePtr(ClonePtr&&) noexcept = default;
  ClonePtr& operator=(const ClonePtr& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  ClonePtr& operator=(ClonePtr&&) noexcept = default;

  // Creates the pointee from `args` when there is none; returns it.
  template <typename... Args>
  T& Ensure(Args&&... args) {
    if (!p_) p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }
  void reset() { p_.reset(); }

  T* get() const { return p_.get(); }
  T& operator*() const { return *p_; }
  T* operator->() const { return p_.get(); }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_CLONE_PTR_H_
