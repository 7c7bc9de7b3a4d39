// The dry run's count of subjects a purge would remove (engine/subject_tally.hpp): a subject
// counts when a linked record of it goes and none stays, across batches, unless kept.

#include "engine/subject_tally.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace vern;

namespace {

// A batch of linked records, one per sid given (0: an unlinked record).
std::vector<ScannedRecord> batch(std::initializer_list<RowId> sids) {
    std::vector<ScannedRecord> b;
    for (RowId sid : sids) {
        ScannedRecord s;
        s.record.subject_rowid = sid;
        b.push_back(std::move(s));
    }
    return b;
}

} // namespace

TEST_CASE("subject tally: removed only when every linked record goes, across batches") {
    SubjectTally t;
    // Subject 1: two records, both go (one per batch). Subject 2: one goes, one stays in the next
    // batch. Subject 3: nothing goes. Subject 4: both records go in one batch.
    t.add(batch({1, 2, 3, 4, 4, 0}), {1, 2, 4, 4});
    t.add(batch({1, 2, 3}), {1});
    CHECK(t.removed({}) == 2); // 1 and 4
    CHECK(t.removed({4}) == 1); // a hold or an open request keeps subject 4
}

TEST_CASE("subject tally: a record that stays in an earlier batch keeps the subject") {
    SubjectTally t;
    t.add(batch({7, 7}), {7});     // one of two goes
    t.add(batch({7}), {7});        // the third goes too
    CHECK(t.removed({}) == 0);
}

TEST_CASE("subject tally: rowids past the dense range count the same") {
    SubjectTally t;
    const RowId big = RowId{1} << 40;
    t.add(batch({big, big + 1, 5}), {big, 5});
    t.add(batch({big + 1}), {big + 1});
    CHECK(t.removed({}) == 2);   // big and 5; big + 1 had a record that stayed
    CHECK(t.removed({big}) == 1);
}
