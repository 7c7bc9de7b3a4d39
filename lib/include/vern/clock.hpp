#pragma once
// The clock through which the engine learns "now": the system clock in production, a fixed
// instant for --now / VERN_NOW and for tests.

#include "vern/time.hpp"

namespace vern {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
  public:
    Instant now() const override;
};

class FixedClock final : public Clock {
  public:
    explicit FixedClock(Instant at) : m_at(at) {}
    Instant now() const override { return m_at; }

  private:
    Instant m_at;
};

} // namespace vern
