#include "erasure_marks.hpp"

namespace vern::rights {

bool subject_hold_active(Store& store, RowId subject_rowid) {
    for (const Hold& h : store.list_holds()) {
        if (h.subject_rowid == subject_rowid && h.active()) return true;
    }
    return false;
}

void remember_erased_records(Store& store, const Subject& subject,
                             const std::vector<std::string>& record_ids, Instant at) {
    if (record_ids.empty()) return;
    store.mark_kept(subject.rowid);
    store.add_erased(store.partly_erased_key(subject.ref), at);
    for (const auto& id : record_ids) store.add_erased(store.erased_record_key(subject.ref, id), at);
}

} // namespace vern::rights
