// Files that hold personal data or pseudonyms (access reports, erasure ledgers): mode 0600,
// written to a temporary file beside the target and renamed into place only when the caller
// says so, so a failed command leaves neither a half-written file nor an unaudited one.
#pragma once

#include <string>

namespace vern::cli {

class StagedFile {
  public:
    // Writes `content` to a new temporary file beside PATH (created exclusively with a random
    // name, mode 0600, fsynced; never through an existing file or link). Throws Error(io) when
    // PATH is a directory, Error(io) / Error(permission) naming the file otherwise.
    StagedFile(std::string path, const std::string& content);
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;
    // Removes the temporary file unless publish() succeeded.
    ~StagedFile();

    // Renames the temporary file to PATH. Throws Error(io) / Error(permission).
    void publish();
    // Removes PATH again after publish() (the delivery it was for could not be recorded).
    void withdraw() noexcept;

  private:
    std::string m_path;
    std::string m_tmp;
    bool m_published = false;
};

// Stages and publishes at once.
void write_private_file(const std::string& path, const std::string& content);

} // namespace vern::cli
