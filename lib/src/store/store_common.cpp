// The secret key, keyed pseudonyms and fresh ids shared by the store backends (store_common.hpp).
//
// NOTE: persisted (erased table, audit log, unlinked records): never change a computation.

#include "store_common.hpp"

#include <sodium.h>

#include <fmt/core.h>

namespace vern::store {

std::string decode_secret_key(std::string hex, const std::string& store) {
    std::string secret(hex.size() / 2, '\0');
    size_t len = 0;
    const bool valid =
        hex.size() == 64 &&
        sodium_hex2bin(reinterpret_cast<unsigned char*>(secret.data()), secret.size(), hex.data(),
                       hex.size(), nullptr, &len, nullptr) == 0 &&
        len == 32;
    sodium_memzero(hex.data(), hex.size());
    if (!valid) {
        sodium_memzero(secret.data(), secret.size());
        throw Error(Code::io, fmt::format("store '{}' has an invalid secret key", store));
    }
    return secret;
}

std::string keyed_pseudonym(const std::string& secret, std::string_view data) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()),
                                  data.size());
    crypto_auth_hmacsha256_final(&st, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return hex;
}

std::string random_unlinked_id() {
    unsigned char bytes[8];
    randombytes_buf(bytes, sizeof bytes);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return std::string("anon-") + hex;
}

} // namespace vern::store
