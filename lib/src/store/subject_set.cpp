// SubjectSet (store_types.hpp): a bitmap over the rowids when they are small enough.

#include "vern/store_types.hpp"

namespace vern {
namespace {
// 2^28 bits: 32 MiB at most; a store's subject rowids stay far below (they are dense).
constexpr RowId k_bitmap_limit = RowId{1} << 28;
} // namespace

SubjectSet::SubjectSet(std::vector<RowId> sorted_sids) : m_size(sorted_sids.size()) {
    if (sorted_sids.empty()) return;
    const RowId largest = sorted_sids.back();
    if (sorted_sids.front() >= 0 && largest < k_bitmap_limit) {
        m_bits.assign(static_cast<std::size_t>(largest) + 1, false);
        for (RowId sid : sorted_sids) m_bits[static_cast<std::size_t>(sid)] = true;
    } else {
        m_sorted = std::move(sorted_sids);
    }
}

} // namespace vern
