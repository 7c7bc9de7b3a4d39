#pragma once
// The dry run's count of subjects a purge would remove (purge.cpp run_dry).

#include "vern/store_types.hpp"

#include <cstdint>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

namespace vern {

// A dry run's count of the subjects a purge would remove: those with a linked record that goes
// (deleted or unlinked) and none that stays. One byte per subject, indexed by its rowid (dense in
// both backends), instead of a hash node of about 60 bytes: a plan over 10 M records keeps a few
// MiB rather than a map of 100 MiB and more. Rowids past k_dense (never seen in practice) go
// to a map.
class SubjectTally {
  public:
    // One scanned batch and its plan's candidates (one sid per linked record that goes).
    void add(std::span<const ScannedRecord> batch, const std::vector<RowId>& candidates);
    // Subjects with a record that goes and none that stays, less those `kept` (request, hold).
    std::int64_t removed(const std::set<RowId>& kept) const;

  private:
    static constexpr std::uint8_t k_goes = 1;
    static constexpr std::uint8_t k_stays = 2;
    static constexpr RowId k_dense = RowId{1} << 27;

    void mark(RowId sid, std::uint8_t bit);

    std::vector<std::uint8_t> m_dense;
    std::unordered_map<RowId, std::uint8_t> m_sparse;
};

} // namespace vern
