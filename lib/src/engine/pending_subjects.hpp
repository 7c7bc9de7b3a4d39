#pragma once
// Internal to purge.cpp: the subjects a purge run may have left without linked records.
//
// A subject's records are spread over the table, so one subject is a candidate in several
// batches of a run (SPEC 3.5: it goes when its last record goes). Probing and removing the
// candidates of every batch (delete_orphan_subjects per batch) looked at each subject once per
// batch that touched it and rewrote the subjects' pages, and those of their events, in every
// commit. Instead the candidates are collected (sorted, unique) and their orphans removed in
// the run's last transaction, or earlier when more than k_limit are waiting (memory stays
// bounded). Each batch also writes its candidates into the store in its own transaction
// (Store::add_pending_subjects), so a run killed before the removal leaves them to the next
// run, which removes those still without records first (SPEC 5: the next run finishes the
// job). Only subjects whose records a purge deleted or unlinked are ever candidates: a subject
// that never had records is never removed.

#include "vern/store.hpp"

#include <cstdint>
#include <set>
#include <span>
#include <vector>

namespace vern {

class PendingSubjects {
  public:
    // At most this many subjects wait in memory (8 bytes each); then they are looked at.
    static constexpr std::size_t k_limit = std::size_t{1} << 18;
    // Subjects per delete_orphan_subjects statement (bounds its temporary memory).
    static constexpr std::size_t k_chunk = 1000;

    PendingSubjects(Store& store, Instant now) : m_store(store), m_now(now) {}

    // First transaction of a run: removes the subjects a killed run left pending and that are
    // still without records (open request, hold: marked emptied, as always), and forgets the
    // rest. Returns how many were removed.
    std::int64_t recover();

    // In a batch's transaction: the subjects of the records it deleted or unlinked. With `last`
    // (the run's last transaction), or when more than k_limit wait, removes the orphans among
    // every waiting subject and returns how many; otherwise keeps the candidates (in memory
    // and in the store) and returns 0.
    std::int64_t add(std::vector<RowId> candidates, bool last);

    // Dry run: how many subjects recover() would remove (`kept`: an open request or an active
    // hold keeps the subject).
    std::int64_t count_left(const std::set<RowId>& kept);

  private:
    std::int64_t remove_orphans(std::span<const RowId> subjects);

    Store& m_store;
    Instant m_now;
    std::vector<RowId> m_waiting; // sorted, unique
    bool m_stored = false;        // rows written by add_pending_subjects since the last clear
};

} // namespace vern
