// BatchHandoff: hands batches from the thread that reads the store to one thread of its own that
// consumes them, in order, so that reading (one connection, one thread: SQLite's and libpq's
// rule) and evaluating overlap on two cores. Used by evaluate_records for whole-store read-only
// scans (vern status): a 10 M-record outlook is about two thirds SQLite and one third evaluation.
#pragma once

#include "vern/store.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace vern {

template <class Batch>
class BatchHandoff {
  public:
    // Returns false to stop the stream (as a scan callback does).
    using Consume = std::function<bool(Batch&)>;

    // `depth`: batches waiting beside the one being consumed; the reader blocks beyond that, so
    // memory stays at depth + 2 batches whatever the store's size.
    explicit BatchHandoff(Consume consume, std::size_t depth = 1)
        : m_consume(std::move(consume)), m_depth(depth) {
        try {
            m_thread = std::thread([this] { run(); });
        } catch (const std::system_error&) {
            m_inline = true; // no thread to be had: consume on the caller's, in push()
        }
    }

    BatchHandoff(const BatchHandoff&) = delete;
    BatchHandoff& operator=(const BatchHandoff&) = delete;

    // Stops the consumer (a reader that threw leaves through here) and waits for it.
    ~BatchHandoff() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
            m_stopped = true;
        }
        m_changed.notify_all();
        if (m_thread.joinable()) m_thread.join();
    }

    // Queues a batch; false once the consumer has stopped (it returned false or threw), so the
    // reader stops too.
    bool push(Batch&& batch) {
        if (m_inline) {
            if (m_stopped) return false;
            try {
                m_stopped = !m_consume(batch);
            } catch (...) {
                m_error = std::current_exception();
                m_stopped = true;
            }
            return !m_stopped;
        }
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stopped || m_queue.size() < m_depth; });
        if (m_stopped) return false;
        m_queue.push_back(std::move(batch));
        m_changed.notify_all();
        return true;
    }

    // Swaps a consumed batch (as the consumer left it) into `batch`, if one is back, so that
    // the reader refills memory it already has instead of faulting in new pages each batch.
    void recycle(Batch& batch) {
        std::lock_guard lock(m_mutex);
        if (m_spare.empty()) return;
        std::swap(batch, m_spare.back());
        m_spare.pop_back();
    }

    // Waits until every queued batch is consumed; rethrows what the consumer threw.
    void finish() {
        if (!m_inline) {
            {
                std::lock_guard lock(m_mutex);
                m_closed = true;
            }
            m_changed.notify_all();
            if (m_thread.joinable()) m_thread.join();
        }
        if (m_error) std::rethrow_exception(m_error);
    }

  private:
    void run() {
        while (true) {
            Batch batch;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopped || m_closed || !m_queue.empty(); });
                if (m_stopped || m_queue.empty()) return; // stopped, or closed and drained
                std::swap(batch, m_queue.front());
                m_queue.pop_front();
            }
            m_changed.notify_all(); // room for the reader's next batch
            bool go_on = false;
            try {
                go_on = m_consume(batch);
            } catch (...) {
                m_error = std::current_exception(); // read by finish() after the join
            }

            if (go_on) {
                std::lock_guard lock(m_mutex);
                if (m_spare.size() <= m_depth) m_spare.push_back(std::move(batch));
            } else {
                {
                    std::lock_guard lock(m_mutex);
                    m_stopped = true;
                    m_queue.clear();
                }
                m_changed.notify_all();
                return;
            }
        }
    }

    Consume m_consume;
    std::size_t m_depth;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    std::deque<Batch> m_spare; // consumed batches, for recycle()
    bool m_closed = false;  // no more batches will come
    bool m_stopped = false; // the consumer stopped, or the hand-off is being destroyed
    bool m_inline = false;
    std::exception_ptr m_error;
    std::thread m_thread; // last: started once the members above exist
};

// Store::scan_records on this thread, `consume` on a thread of its own for each batch, in rowid
// order, one batch behind the scan. Each batch is taken from the scan (a swap, no copy), and the
// vector handed back after `consume` so the scan refills memory it has. `consume` must not use
// the store; what it throws is thrown from here.
inline void scan_records_beside(Store& store, const RecordScan& scan,
                                const std::function<bool(std::span<const ScannedRecord>)>& consume) {
    BatchHandoff<std::vector<ScannedRecord>> handoff([&](std::vector<ScannedRecord>& batch) {
        const bool go_on = consume(batch);
        batch.clear(); // the records are freed on this thread, not the scan's
        return go_on;
    });
    store.scan_records(scan, [&](std::vector<ScannedRecord>& batch) {
        std::vector<ScannedRecord> taken;
        taken.swap(batch);
        handoff.recycle(batch);
        return handoff.push(std::move(taken));
    });
    handoff.finish();
}

} // namespace vern
