#pragma once
// A registry of named components of one kind (datasets, samplers, models, ...). Registration is
// explicit: each component folder has a `register_all()` that calls `add` for each of its components,
// and `register_builtins()` (core/builtins.hpp) calls every one of them once. No static initialisers.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/params.hpp"

namespace disent {

// What the config system and `disent-run list` need to know about a component (torch-free).
struct ComponentInfo {
    std::string kind;         // "dataset", "sampler", "model", "framework", "optimizer", "metric"
    std::string name;         // registry name, e.g. "beta_vae"
    std::string description;  // one line, shown by `disent-run list`
    ParamTable params;        // every config key of the component besides `name`
    std::map<std::string, std::string> traits{};  // e.g. {"input_mode": "pair", "default_sampler": "gt_pair_orig"}
};

template <class Factory>
class Registry {
public:
    struct Entry {
        ComponentInfo info;
        Factory make;
    };

    explicit Registry(std::string kind) : kind_(std::move(kind)) {}

    void add(ComponentInfo info, Factory make) {
        info.kind = kind_;
        if (find(info.name)) throw std::logic_error(kind_ + " '" + info.name + "' registered twice");
        entries_.push_back(Entry{std::move(info), std::move(make)});
    }

    const Entry* find(const std::string& name) const {
        for (const auto& e : entries_)
            if (e.info.name == name) return &e;
        return nullptr;
    }

    // Throws UserError naming the unknown name and the nearest registered one.
    const Entry& get(const std::string& name) const {
        if (const Entry* e = find(name)) return *e;
        std::string hint = nearest_name(name, names());
        throw UserError("unknown " + kind_ + " '" + name + "'" +
                        (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (see `disent-run list " +
                        kind_ + "s`)");
    }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : entries_) out.push_back(e.info.name);
        return out;
    }

    std::vector<ComponentInfo> infos() const {
        std::vector<ComponentInfo> out;
        for (const auto& e : entries_) out.push_back(e.info);
        return out;
    }

    const std::vector<Entry>& entries() const { return entries_; }
    const std::string& kind() const { return kind_; }
    bool empty() const { return entries_.empty(); }

private:
    std::string kind_;
    std::vector<Entry> entries_;
};

}  // namespace disent
