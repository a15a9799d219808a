#include "config/catalog.hpp"

namespace disent::config {

const ComponentInfo* Catalog::find(const std::string& kind, const std::string& name) const {
    auto it = kinds.find(kind);
    if (it == kinds.end()) return nullptr;
    for (const auto& info : it->second)
        if (info.name == name) return &info;
    return nullptr;
}

std::vector<std::string> Catalog::names(const std::string& kind) const {
    std::vector<std::string> out;
    auto it = kinds.find(kind);
    if (it != kinds.end())
        for (const auto& info : it->second) out.push_back(info.name);
    return out;
}

}  // namespace disent::config
