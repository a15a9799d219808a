#pragma once
// MD5 (RFC 1321) and disent's two file-hash modes (spec §5.2): "full" hashes the whole file; "fast" hashes
// the file size (8-byte big-endian) followed by the whole file if it is smaller than 3 * 16384 bytes, else
// three 16384-byte chunks at offsets k * (size - 16384) // 2, k = 0, 1, 2.
#include <cstddef>
#include <cstdint>
#include <string>

namespace disent::data {

class Md5 {
public:
    Md5();
    void update(const void* data, size_t n);
    std::string hex();  // finalises; the object must not be updated afterwards

private:
    void block(const uint8_t* p);
    uint32_t h_[4];
    uint8_t buf_[64];
    uint64_t len_ = 0;
    size_t fill_ = 0;
};

std::string md5_hex(const std::string& bytes);
// mode "fast" or "full"; UserError naming the file if it cannot be read.
std::string file_hash(const std::string& path, const std::string& mode);

}  // namespace disent::data
