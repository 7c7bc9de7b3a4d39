// vern explain: every rule's anchor, due time and status for one subject's records or one record.

#include "vern/engine.hpp"

#include <fmt/core.h>

namespace vern {
namespace {

std::vector<RecordEvaluation> collect(Store& store, const Policy& policy, Instant now,
                                      const EvaluationScope& scope) {
    std::vector<RecordEvaluation> out;
    ReadTransaction tx(store);
    evaluate_records(store, policy, now, scope, [&](std::span<const RecordEvaluation> batch) {
        out.insert(out.end(), batch.begin(), batch.end());
        return true;
    });
    return out;
}

} // namespace

std::vector<RecordEvaluation> explain_subject(Store& store, const Policy& policy, Instant now,
                                              const std::string& subject_ref) {
    auto subject = store.find_subject(subject_ref);
    if (!subject) {
        throw Error(Code::problem, fmt::format("no subject '{}' in the store '{}'", subject_ref,
                                               store.path()));
    }
    EvaluationScope scope;
    scope.subject_rowid = subject->rowid;
    return collect(store, policy, now, scope);
}

std::vector<RecordEvaluation> explain_record(Store& store, const Policy& policy, Instant now,
                                             const std::string& record_id) {
    if (!store.find_record_rowid(record_id)) {
        throw Error(Code::problem, fmt::format("no record '{}' in the store '{}'", record_id,
                                               store.path()));
    }
    EvaluationScope scope;
    scope.record_id = record_id;
    return collect(store, policy, now, scope);
}

} // namespace vern
