// BatchHandoff (engine/batch_handoff.hpp): batches reach the consumer thread in order, a consumer
// that stops or throws stops the reader, and nothing hangs when the reader leaves early.

#include "engine/batch_handoff.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>
#include <vector>

using vern::BatchHandoff;

TEST_CASE("BatchHandoff: every batch reaches the consumer, in order, on another thread") {
    std::vector<int> seen;
    std::thread::id consumer_thread;
    BatchHandoff<std::vector<int>> handoff([&](std::vector<int>& batch) {
        consumer_thread = std::this_thread::get_id();
        seen.insert(seen.end(), batch.begin(), batch.end());
        batch.clear();
        return true;
    });
    int recycled = 0;
    for (int i = 0; i < 1000; ++i) {
        std::vector<int> batch;
        handoff.recycle(batch);
        if (batch.capacity() > 0) ++recycled; // a vector the consumer gave back
        CHECK(batch.empty());
        batch.assign({2 * i, 2 * i + 1});
        REQUIRE(handoff.push(std::move(batch)));
    }
    handoff.finish();
    REQUIRE(seen.size() == 2000);
    for (int i = 0; i < 2000; ++i) REQUIRE(seen[static_cast<std::size_t>(i)] == i);
    CHECK(consumer_thread != std::this_thread::get_id());
    CHECK(recycled > 0);
}

TEST_CASE("BatchHandoff: a consumer that stops stops the reader") {
    int consumed = 0;
    BatchHandoff<std::vector<int>> handoff([&](std::vector<int>&) { return ++consumed < 3; });
    int pushed = 0;
    while (pushed < 100 && handoff.push(std::vector<int>{pushed})) ++pushed;
    handoff.finish();
    CHECK(consumed == 3);  // nothing after the batch that said stop
    CHECK(pushed < 100);   // the reader was told (at most depth + 1 batches later)
    CHECK(pushed <= 3 + 2);
}

TEST_CASE("BatchHandoff: what the consumer throws is thrown by finish, and the reader stops") {
    BatchHandoff<std::vector<int>> handoff([&](std::vector<int>& batch) {
        if (batch.at(0) == 5) throw std::runtime_error("batch 5 is bad");
        return true;
    });
    int pushed = 0;
    while (pushed < 100 && handoff.push(std::vector<int>{pushed})) ++pushed;
    CHECK(pushed < 100);
    CHECK_THROWS_WITH_AS(handoff.finish(), "batch 5 is bad", std::runtime_error);
}

TEST_CASE("BatchHandoff: a reader that leaves without finish (it threw) does not wait for the "
          "batches still queued") {
    int consumed = 0;
    {
        BatchHandoff<std::vector<int>> handoff([&](std::vector<int>&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ++consumed;
            return true;
        });
        for (int i = 0; i < 3; ++i) REQUIRE(handoff.push(std::vector<int>{i}));
    } // destroyed here: the consumer ends after the batch it is on
    CHECK(consumed <= 2);
}
