// Unit tests of the outbox (issue 14): the Store's outbox methods on both backends (the cases
// named "store::outbox ..." also run in ctest unit.postgresql), the policy keys of a system that
// holds copies ([[recipient]] deliver, command, timeout, ...), and notice ids (NoticeWriter).

#include "test_support.hpp"

#include "vern/audit.hpp"
#include "vern/outbox.hpp"
#include "vern/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

using namespace vern;

namespace {

Instant at(std::int64_t seconds) { return Instant{std::chrono::seconds{seconds}}; }

std::unique_ptr<Store> fresh_store() {
    StoreOptions o;
    o.create = true;
    return open_store(vern::testing::fresh_store_path(), o);
}

Notice notice(std::string id, std::string system, std::int64_t created,
              std::string category = "chat") {
    Notice n;
    n.notice = std::move(id);
    n.system = std::move(system);
    n.action = "delete";
    n.category = std::move(category);
    n.cause = "rule:chat-30d";
    n.record_id = "rec-" + n.notice;
    n.subject_ref = "S-" + n.notice;
    n.subject_pseudonym = "p-" + n.notice;
    n.created = at(created);
    return n;
}

std::int64_t add(Store& store, const std::vector<Notice>& notices) {
    WriteTransaction tx(store);
    const std::int64_t added = store.add_notices(notices);
    tx.commit();
    return added;
}

std::vector<std::string> ids(const std::vector<Notice>& notices) {
    std::vector<std::string> out;
    for (const Notice& n : notices) out.push_back(n.notice);
    return out;
}

std::vector<std::int64_t> seqs(const std::vector<Notice>& notices) {
    std::vector<std::int64_t> out;
    for (const Notice& n : notices) out.push_back(n.seq);
    return out;
}

// Three notices for "a" (created 100, 200, 300) and one for "b" (created 150), in seq order
// n1, n2, n3, n4.
std::unique_ptr<Store> store_with_notices() {
    auto store = fresh_store();
    REQUIRE(add(*store, {notice("n1", "a", 100), notice("n2", "b", 150), notice("n3", "a", 200),
                         notice("n4", "a", 300, "booking")}) == 4);
    return store;
}

} // namespace

TEST_CASE("store::outbox add_notices stores every column; a repeated id is left out") {
    auto store = fresh_store();
    Notice n = notice("n1", "a", 100);
    n.action = "anonymize";
    n.detail = R"({"fields":["phone"],"unlink":false})";
    CHECK(add(*store, {n}) == 1);
    const auto all = store->notices({.system = "", .pending_only = false});
    REQUIRE(all.size() == 1);
    const Notice& got = all[0];
    CHECK(got.seq > 0);
    CHECK(got.notice == "n1");
    CHECK(got.system == "a");
    CHECK(got.action == "anonymize");
    CHECK(got.category == "chat");
    CHECK(got.cause == "rule:chat-30d");
    CHECK(got.record_id == "rec-n1");
    CHECK(got.subject_ref == "S-n1");
    CHECK(got.subject_pseudonym == "p-n1");
    CHECK(got.detail == R"({"fields":["phone"],"unlink":false})");
    CHECK(got.created == at(100));
    CHECK(got.attempts == 0);
    CHECK_FALSE(got.last_attempt);
    CHECK(got.last_error.empty());
    CHECK_FALSE(got.acked);

    // The same id again (even with other content), pending or acknowledged: not added.
    Notice again = notice("n1", "b", 999);
    CHECK(add(*store, {again, notice("n2", "a", 200)}) == 1);
    {
        WriteTransaction tx(*store);
        CHECK(store->ack_notices(std::vector<std::int64_t>{got.seq}, at(500)) == 1);
        tx.commit();
    }
    CHECK(add(*store, {again}) == 0);
    const auto after = store->notices({.system = "", .pending_only = false});
    CHECK(ids(after) == std::vector<std::string>{"n1", "n2"});
    CHECK(after[0].system == "a");
    CHECK(after[0].created == at(100));

    // Empty identifiers are stored as none (a system identifying by record only).
    Notice bare = notice("n3", "a", 100);
    bare.subject_ref.clear();
    bare.subject_pseudonym.clear();
    CHECK(add(*store, {bare}) == 1);
    const auto found = store->find_notices(std::vector<std::string>{"n3"});
    REQUIRE(found.size() == 1);
    CHECK(found[0].subject_ref.empty());
    CHECK(found[0].subject_pseudonym.empty());
    CHECK(found[0].record_id == "rec-n3");
}

TEST_CASE("store::outbox add_notices needs a write transaction") {
    auto store = fresh_store();
    const std::vector<Notice> one{notice("n1", "a", 100)};
    CHECK_THROWS(store->add_notices(one));
}

TEST_CASE("store::outbox notices(): system, pending_only, after_seq, limit") {
    auto store = store_with_notices();
    const auto all = store->notices({.system = "", .pending_only = false});
    REQUIRE(ids(all) == std::vector<std::string>{"n1", "n2", "n3", "n4"});
    CHECK(std::is_sorted(all.begin(), all.end(),
                         [](const Notice& x, const Notice& y) { return x.seq < y.seq; }));
    CHECK(ids(store->notices({.system = "a"})) == std::vector<std::string>{"n1", "n3", "n4"});
    CHECK(ids(store->notices({.system = "b"})) == std::vector<std::string>{"n2"});
    CHECK(store->notices({.system = "nosuch"}).empty());
    CHECK(ids(store->notices({.system = "a", .limit = 2})) ==
          std::vector<std::string>{"n1", "n3"});
    CHECK(ids(store->notices({.system = "a", .after_seq = all[0].seq, .limit = 1})) ==
          std::vector<std::string>{"n3"});
    CHECK(ids(store->notices({.system = "", .after_seq = all[1].seq})) ==
          std::vector<std::string>{"n3", "n4"});
    CHECK(store->notices({.system = "", .after_seq = all[3].seq}).empty());
    {
        WriteTransaction tx(*store);
        CHECK(store->ack_notices(std::vector<std::int64_t>{all[2].seq}, at(400)) == 1);
        tx.commit();
    }
    CHECK(ids(store->notices({.system = "a"})) == std::vector<std::string>{"n1", "n4"});
    CHECK(ids(store->notices({.system = "a", .pending_only = false})) ==
          std::vector<std::string>{"n1", "n3", "n4"});
    CHECK(ids(store->notices({.system = "a", .pending_only = true, .limit = 1})) ==
          std::vector<std::string>{"n1"});
}

TEST_CASE("store::outbox find_notices: any system and state, by seq, unknown ids missing") {
    auto store = store_with_notices();
    const auto found =
        store->find_notices(std::vector<std::string>{"n4", "nosuch", "n2", "n4", "n1"});
    CHECK(ids(found) == std::vector<std::string>{"n1", "n2", "n4"});
    CHECK(store->find_notices(std::vector<std::string>{}).empty());
    CHECK(store->find_notices(std::vector<std::string>{"x"}).empty());
}

TEST_CASE("store::outbox ack_notices clears the identifiers; an acknowledged one is untouched") {
    auto store = store_with_notices();
    const auto all = store->notices({.system = "", .pending_only = false});
    {
        WriteTransaction tx(*store);
        CHECK(store->ack_notices(std::vector<std::int64_t>{all[0].seq, all[2].seq}, at(500)) ==
              2);
        tx.commit();
    }
    {
        WriteTransaction tx(*store);
        // n1 again (already acknowledged: not changed, not counted) and n2.
        CHECK(store->ack_notices(std::vector<std::int64_t>{all[0].seq, all[1].seq}, at(900)) ==
              1);
        tx.commit();
    }
    const auto after = store->notices({.system = "", .pending_only = false});
    REQUIRE(after.size() == 4);
    CHECK(after[0].acked == at(500)); // the first acknowledgement stays
    CHECK(after[1].acked == at(900));
    CHECK(after[2].acked == at(500));
    CHECK_FALSE(after[3].acked);
    for (int i : {0, 1, 2}) {
        CAPTURE(i);
        CHECK(after[i].record_id.empty());
        CHECK(after[i].subject_ref.empty());
        CHECK(after[i].system == all[i].system);
        CHECK(after[i].cause == all[i].cause);
    }
    CHECK(after[3].record_id == "rec-n4");
    CHECK(after[3].subject_ref == "S-n4");
    {
        WriteTransaction tx(*store);
        CHECK(store->ack_notices(std::vector<std::int64_t>{}, at(1000)) == 0);
        CHECK(store->ack_notices(std::vector<std::int64_t>{999999}, at(1000)) == 0);
        tx.commit();
    }
}

TEST_CASE("store::outbox record_attempt counts failed deliveries of pending notices") {
    auto store = store_with_notices();
    const auto all = store->notices({.system = "", .pending_only = false});
    {
        WriteTransaction tx(*store);
        store->ack_notices(std::vector<std::int64_t>{all[3].seq}, at(400));
        store->record_attempt(std::vector<std::int64_t>{all[0].seq, all[3].seq}, at(500),
                              "exit status 3");
        tx.commit();
    }
    {
        WriteTransaction tx(*store);
        store->record_attempt(std::vector<std::int64_t>{all[0].seq, all[2].seq}, at(600),
                              "timed out after 5 s");
        tx.commit();
    }
    const auto after = store->notices({.system = "", .pending_only = false});
    CHECK(after[0].attempts == 2);
    CHECK(after[0].last_attempt == at(600));
    CHECK(after[0].last_error == "timed out after 5 s");
    CHECK(after[1].attempts == 0);
    CHECK_FALSE(after[1].last_attempt);
    CHECK(after[2].attempts == 1);
    CHECK(after[2].last_error == "timed out after 5 s");
    CHECK(after[3].attempts == 0); // acknowledged before: untouched
    CHECK(after[3].last_error.empty());

    const OutboxStats st = store->outbox_stats("a", at(0));
    CHECK(st.failed == 2);
    CHECK(st.last_error == "timed out after 5 s");
}

TEST_CASE("store::outbox outbox_stats: counts, overdue cutoff boundary, last acknowledged") {
    auto store = store_with_notices();
    // a: n1 (100), n3 (200), n4 (300), all pending.
    OutboxStats st = store->outbox_stats("a", at(200));
    CHECK(st.pending == 3);
    CHECK(st.overdue == 1); // created 200 == cutoff: not overdue; 100 is
    CHECK(st.oldest_pending == at(100));
    CHECK(st.acked == 0);
    CHECK_FALSE(st.last_acked);
    CHECK(st.failed == 0);
    CHECK(st.last_error.empty());
    CHECK(store->outbox_stats("a", at(201)).overdue == 2);
    CHECK(store->outbox_stats("a", at(199)).overdue == 1);
    CHECK(store->outbox_stats("a", at(100)).overdue == 0);
    CHECK(store->outbox_stats("a", at(301)).overdue == 3);

    const auto all = store->notices({.system = "a"});
    {
        WriteTransaction tx(*store);
        store->ack_notices(std::vector<std::int64_t>{all[0].seq}, at(700));
        store->ack_notices(std::vector<std::int64_t>{all[1].seq}, at(800));
        tx.commit();
    }
    st = store->outbox_stats("a", at(1000));
    CHECK(st.pending == 1);
    CHECK(st.overdue == 1);
    CHECK(st.oldest_pending == at(300));
    CHECK(st.acked == 2);
    CHECK(st.last_acked == at(800));

    const OutboxStats none = store->outbox_stats("nosuch", at(1000));
    CHECK(none.pending == 0);
    CHECK(none.overdue == 0);
    CHECK_FALSE(none.oldest_pending);
    CHECK(none.acked == 0);
    CHECK_FALSE(none.last_acked);
    CHECK(none.failed == 0);
}

TEST_CASE("store::outbox subject_notices: by pseudonym, any system and state") {
    auto store = fresh_store();
    Notice x = notice("x1", "a", 100);
    Notice y = notice("y1", "b", 100);
    Notice z = notice("z1", "a", 100);
    x.subject_pseudonym = y.subject_pseudonym = "p-1";
    z.subject_pseudonym = "p-2";
    REQUIRE(add(*store, {x, z, y}) == 3);
    {
        WriteTransaction tx(*store);
        store->ack_notices(seqs(store->find_notices(std::vector<std::string>{"x1"})), at(200));
        tx.commit();
    }
    const auto got = store->subject_notices("p-1");
    CHECK(ids(got) == std::vector<std::string>{"x1", "y1"});
    CHECK(got[0].acked == at(200));
    CHECK(got[0].subject_pseudonym == "p-1"); // kept: the access report shows who was told
    CHECK(ids(store->subject_notices("p-2")) == std::vector<std::string>{"z1"});
    CHECK(store->subject_notices("p-3").empty());
}

// ---- notice ids (NoticeWriter) -----------------------------------------------------------

namespace {

Policy two_systems() {
    Policy p;
    Category chat;
    chat.id = "chat";
    p.categories.push_back(chat);
    for (const char* id : {"alpha", "beta"}) {
        Recipient r;
        r.id = id;
        r.role = RecipientRole::source;
        r.deliver = Delivery::pull;
        r.categories = {"chat"};
        r.identify_subject = std::string(id) == "beta";
        p.recipients.push_back(r);
    }
    Recipient inactive;
    inactive.id = "gamma";
    inactive.deliver = Delivery::pull;
    inactive.active = false;
    inactive.categories = {"chat"};
    p.recipients.push_back(inactive);
    Recipient silent;
    silent.id = "delta";
    silent.categories = {"chat"};
    p.recipients.push_back(silent);
    return p;
}

StoredRecord rec(std::string id, std::int64_t created, std::string category = "chat") {
    StoredRecord r;
    r.id = std::move(id);
    r.subject = "S-1";
    r.category = std::move(category);
    r.created = at(created);
    return r;
}

AuditEntry base_entry() {
    AuditEntry e;
    e.at = at(1000);
    e.user = "test";
    e.command = "purge";
    return e;
}

} // namespace

TEST_CASE("outbox::notice ids are deterministic and distinct per system/action/cause/record/created") {
    auto store = fresh_store();
    const Policy policy = two_systems();
    Rule rule;
    rule.id = "chat-7d";
    rule.action = Action::anonymize;
    rule.fields = {{"phone", AnonMethod{}}};

    std::map<std::string, std::int64_t> added;
    {
        WriteTransaction tx(*store);
        NoticeWriter w(*store, policy, at(1000));
        CHECK(w.wanted("chat"));
        CHECK_FALSE(w.wanted("booking"));
        w.deleted(rec("r1", 100), "rule:chat-30d");
        w.deleted(rec("r1", 100), "erasure");          // other cause
        w.anonymized(rec("r1", 100), rule, false);     // other action
        w.deleted(rec("r2", 100), "rule:chat-30d");    // other record
        w.deleted(rec("r1", 101), "rule:chat-30d");    // other created
        w.deleted(rec("b1", 100, "booking"), "erasure"); // nobody holds booking
        added = w.flush(base_entry());
        tx.commit();
    }
    CHECK(added == std::map<std::string, std::int64_t>{{"alpha", 5}, {"beta", 5}});
    const auto all = store->notices({.system = "", .pending_only = false});
    REQUIRE(all.size() == 10);
    std::set<std::string> distinct;
    for (const Notice& n : all) {
        CAPTURE(n.notice);
        CHECK(n.notice.size() == 32);
        CHECK(n.notice.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(n.notice.find("r1") == std::string::npos);
        CHECK(n.created == at(1000));
        CHECK(n.subject_pseudonym == store->pseudonym("S-1"));
        if (n.system == "alpha") {
            CHECK_FALSE(n.record_id.empty());
            CHECK(n.subject_ref.empty());
        } else {
            CHECK(n.system == "beta");
            CHECK_FALSE(n.record_id.empty());
            CHECK(n.subject_ref == "S-1");
        }
        distinct.insert(n.notice);
    }
    CHECK(distinct.size() == 10); // every system, action, cause, record and created differs

    const auto anon = std::find_if(all.begin(), all.end(),
                                   [](const Notice& n) { return n.action == "anonymize"; });
    REQUIRE(anon != all.end());
    CHECK(anon->cause == "rule:chat-7d");
    CHECK(nlohmann::json::parse(anon->detail) ==
          nlohmann::json{{"fields", {"phone"}}, {"unlink", false}});
    CHECK(notice_json(*anon)["fields"] == nlohmann::json{"phone"});
    CHECK(notice_json(*anon)["unlink"] == false);
    CHECK(notice_json(*anon)["created"] == "1970-01-01T00:16:40Z");

    // The same changes again, later (a replay after a restore): the same ids, nothing added.
    {
        WriteTransaction tx(*store);
        NoticeWriter w(*store, policy, at(5000));
        w.deleted(rec("r1", 100), "rule:chat-30d");
        w.deleted(rec("r2", 100), "rule:chat-30d");
        CHECK(w.flush(base_entry()).empty());
        tx.commit();
    }
    CHECK(store->notices({.system = "", .pending_only = false}).size() == 10);

    // notify audit entries: per system and category, with the count of notices added.
    std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> notify;
    store->read_audit(0, [&](const StoredAuditEntry& e) {
        notify.emplace_back(e.entry.action, e.entry.rule, e.entry.category, e.entry.count);
        return true;
    });
    CHECK(notify == decltype(notify){{"notify", "system:alpha", "chat", 5},
                                     {"notify", "system:beta", "chat", 5}});
}

// ---- policy: [[recipient]] deliver, command, timeout, batch_size, confirm_within, identify --

namespace {

const char* k_head = R"([policy]
name = "Test"
controller = "Test AS"
contact = "x@example.com"
timezone = "Europe/Oslo"
supervisory_authority = "Datatilsynet"

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"
recipients = ["named"]

[[category]]
id = "booking"
title = "Booking"
purpose = "Booking"
legal_basis = "public_task"

[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"

[[rule]]
id = "booking-30d"
category = "booking"
after = "created"
keep = "30d"
action = "delete"

[[recipient]]
id = "named"
name = "Named by the category"
role = "processor"
deliver = "pull"
)";

// The policy k_head plus one [[recipient]] "sys" with `keys` (TOML lines).
PolicyLoad with_system(const std::string& keys, const std::string& role = "source") {
    return vern::testing::load_policy_text(std::string(k_head) +
                                           "\n[[recipient]]\nid = \"sys\"\nname = \"Sys\"\n"
                                           "role = \"" + role + "\"\ncategories = [\"booking\"]\n" +
                                           keys);
}

// The messages of the diagnostics, one a line, "error: " or "warning: " first.
std::string messages(const PolicyLoad& load) {
    std::string out;
    for (const auto& d : load.diagnostics) {
        out += (d.severity == Severity::error ? "error: " : "warning: ") + d.message + "\n";
    }
    return out;
}

} // namespace

TEST_CASE("policy::outbox keys of a system that holds copies") {
    SUBCASE("exec with everything") {
        const PolicyLoad load = with_system("deliver = \"exec\"\ncommand = [\"./bin/del\", \"--db\", "
                                            "\"x.db\"]\ntimeout = 5\nbatch_size = 2\n"
                                            "confirm_within = \"3d\"\n"
                                            "identify = [\"subject\", \"record\"]\n");
        INFO(messages(load));
        REQUIRE_FALSE(load.has_errors());
        CHECK_FALSE(load.has_warnings());
        const Recipient* r = load.policy.find_recipient("sys");
        REQUIRE(r);
        CHECK(r->role == RecipientRole::source);
        CHECK(std::string(recipient_role_name(r->role)) == "source");
        CHECK(r->deliver == Delivery::exec);
        CHECK(std::string(delivery_name(r->deliver)) == "exec");
        REQUIRE(r->command.size() == 3);
        // A relative program with a '/' is resolved against the policy file's directory.
        const std::filesystem::path program(r->command[0]);
        CHECK(program.is_absolute());
        CHECK(program.filename() == "del");
        CHECK(program.parent_path().filename() == "bin");
        CHECK(program.string().find("./") == std::string::npos);
        CHECK(r->command[1] == "--db");
        CHECK(r->command[2] == "x.db");
        CHECK(r->timeout_seconds == 5);
        CHECK(r->batch_size == 2);
        CHECK(r->confirm_within.days == 3);
        CHECK(r->identify_record);
        CHECK(r->identify_subject);
        CHECK(r->notified());
    }
    SUBCASE("defaults; a program without '/' or absolute is kept as written") {
        PolicyLoad load = with_system("deliver = \"exec\"\ncommand = [\"delete-copies\"]\n");
        INFO(messages(load));
        REQUIRE_FALSE(load.has_errors());
        const Recipient* r = load.policy.find_recipient("sys");
        REQUIRE(r);
        CHECK(r->command == std::vector<std::string>{"delete-copies"});
        CHECK(r->timeout_seconds == 60);
        CHECK(r->batch_size == 1000);
        CHECK(r->confirm_within.days == 7);
        CHECK(r->identify_record);
        CHECK_FALSE(r->identify_subject);
        load = with_system("deliver = \"exec\"\ncommand = [\"/usr/bin/del\"]\n");
        REQUIRE_FALSE(load.has_errors());
        CHECK(load.policy.find_recipient("sys")->command ==
              std::vector<std::string>{"/usr/bin/del"});
    }
    SUBCASE("pull; identify subject only; inactive is not notified") {
        PolicyLoad load = with_system("deliver = \"pull\"\nidentify = [\"subject\"]\n");
        INFO(messages(load));
        REQUIRE_FALSE(load.has_errors());
        const Recipient* r = load.policy.find_recipient("sys");
        CHECK(r->deliver == Delivery::pull);
        CHECK_FALSE(r->identify_record);
        CHECK(r->identify_subject);
        CHECK(r->notified());
        load = with_system("deliver = \"pull\"\nactive = false\n", "processor");
        REQUIRE_FALSE(load.has_errors());
        CHECK_FALSE(load.policy.find_recipient("sys")->notified());
        load = with_system("", "processor");
        REQUIRE_FALSE(load.has_errors());
        CHECK(load.policy.find_recipient("sys")->deliver == Delivery::none);
        CHECK_FALSE(load.policy.find_recipient("sys")->notified());
    }
    SUBCASE("a category naming the recipient in `recipients` is held by it") {
        const PolicyLoad load = with_system("deliver = \"pull\"\n");
        REQUIRE_FALSE(load.has_errors());
        const Recipient* named = load.policy.find_recipient("named");
        REQUIRE(named);
        CHECK(named->holds("chat"));
        CHECK(named->notified());
    }
}

TEST_CASE("policy::outbox key errors and the source warning") {
    struct Case {
        const char* keys;
        const char* expected; // a line of messages()
    };
    const Case cases[] = {
        {"deliver = \"exec\"\n", "error: recipient 'sys' has deliver = \"exec\" but no `command`"},
        {"deliver = \"pull\"\ncommand = [\"x\"]\n",
         "error: recipient 'sys' has a `command` but not deliver = \"exec\""},
        {"command = [\"x\"]\n", "error: recipient 'sys' has a `command` but not deliver = \"exec\""},
        {"deliver = \"exec\"\ncommand = []\n", "error: recipient 'sys': `command` is empty"},
        {"deliver = \"push\"\n", "error: invalid deliver 'push': expected one of exec, pull"},
        {"deliver = \"pull\"\ntimeout = 5\n", "error: recipient 'sys' has `timeout` but not deliver = \"exec\""},
        {"deliver = \"pull\"\nbatch_size = 5\n",
         "error: recipient 'sys' has `batch_size` but not deliver = \"exec\""},
        {"deliver = \"exec\"\ncommand = [\"x\"]\ntimeout = 0\n",
         "error: recipient 'sys': `timeout` must be a whole number from 1 to 86400 (seconds)"},
        {"deliver = \"exec\"\ncommand = [\"x\"]\ntimeout = 86401\n",
         "error: recipient 'sys': `timeout` must be a whole number from 1 to 86400 (seconds)"},
        {"deliver = \"exec\"\ncommand = [\"x\"]\ntimeout = \"5\"\n",
         "error: recipient 'sys': `timeout` must be a whole number from 1 to 86400 (seconds)"},
        {"deliver = \"exec\"\ncommand = [\"x\"]\nbatch_size = 0\n",
         "error: recipient 'sys': `batch_size` must be a whole number from 1 to 1000000"},
        {"confirm_within = \"7d\"\n", "error: recipient 'sys' has confirm_within but no `deliver`"},
        {"deliver = \"pull\"\nconfirm_within = \"0d\"\n",
         "error: recipient 'sys': confirm_within must be longer than 0 days"},
        {"identify = [\"record\"]\n", "error: recipient 'sys' has `identify` but no `deliver`"},
        {"deliver = \"pull\"\nidentify = [\"recrd\"]\n",
         "error: recipient 'sys': invalid identify entry 'recrd': expected \"record\""},
        {"", "warning: source system 'sys' has no `deliver`"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.keys);
        const PolicyLoad load = with_system(c.keys);
        const std::string got = messages(load);
        CAPTURE(got);
        CHECK(got.find(c.expected) != std::string::npos);
    }
    // The warning is for a source system only.
    CHECK(messages(with_system("", "processor")).find("has no `deliver`") == std::string::npos);
    CHECK(messages(with_system("deliver = \"pull\"\n")).empty());
}

// SQLite-only: a store file of schema version 4 (before the outbox) is refused until `vern init`
// migrates it; the migration keeps the data and adds an empty, usable outbox.
TEST_CASE("store::outbox migration 4 -> 5" * doctest::skip(vern::testing::on_postgresql())) {
    namespace fs = std::filesystem;
    std::string dir = (fs::temp_directory_path() / "vern-outbox-XXXXXX").string();
    REQUIRE(::mkdtemp(dir.data()) != nullptr);
    const std::string path = dir + "/s.db";
    StoreOptions create;
    create.create = true;
    {
        auto s = open_store(path, create);
        CHECK(s->open_report().schema_version == k_schema_version);
        WriteTransaction tx(*s);
        s->ensure_subject("K-1", at(0));
        tx.commit();
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        testing::drop_quiet_table(db);
        db.exec("DROP TABLE outbox; DROP INDEX records_category;"
                "CREATE INDEX records_category_created ON records(category, created);"
                "UPDATE meta SET value = '4' WHERE key = 'schema_version';");
    }
    CHECK_THROWS_WITH(open_store(path),
                      doctest::Contains("has schema version 4 and needs version 8"));
    {
        auto s = open_store(path, create);
        CHECK(s->open_report().schema_before == 4);
        CHECK(s->open_report().schema_version == k_schema_version);
        CHECK(s->find_subject("K-1"));
        CHECK(s->notices({.system = "", .pending_only = false}).empty());
        CHECK(add(*s, {notice("n1", "a", 100)}) == 1);
        CHECK(s->outbox_stats("a", at(200)).pending == 1);
    }
    fs::remove_all(dir);
}
