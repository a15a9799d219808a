#pragma once
// Text for one-line messages. Torch-free.
#include <string>

namespace disent {

// `text` as it may appear inside a one-line message: control bytes become \n, \r, \t or \xNN, so a
// hostile value (a path or a config string holding a newline) can never break an error over lines.
inline std::string printable(const std::string& text) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
        else out += ch;
    }
    return out;
}

}  // namespace disent
